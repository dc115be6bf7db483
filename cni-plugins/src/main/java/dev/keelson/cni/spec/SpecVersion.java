package dev.keelson.cni.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The CNI spec versions Keelson speaks. The result format changed twice: 0.1.0/0.2.0 have
 * {@code ip4}/{@code ip6} sections, 0.3.0–0.4.0 have {@code interfaces} and {@code ips[]} with a
 * {@code version}, 1.0.0 dropped {@code version} and 1.1.0 added interface {@code mtu},
 * {@code socketPath}, {@code pciID} and route {@code mtu}, {@code advmss}, {@code priority},
 * {@code table}, {@code scope}. CHECK exists from 0.4.0, STATUS and GC from 1.1.0.
 */
public enum SpecVersion {
    V0_1_0("0.1.0"), V0_2_0("0.2.0"), V0_3_0("0.3.0"), V0_3_1("0.3.1"), V0_4_0("0.4.0"),
    V1_0_0("1.0.0"), V1_1_0("1.1.0");

    /** The version this implementation follows (what VERSION reports as its own cniVersion). */
    public static final SpecVersion CURRENT = V1_1_0;

    /** The version of a config without {@code cniVersion} (libcni's default). */
    public static final SpecVersion DEFAULT = V0_1_0;

    private final String text;

    SpecVersion(String text) {
        this.text = text;
    }

    /** The version string, e.g. {@code "0.3.1"}. */
    public String text() {
        return text;
    }

    /** The supported version named {@code s}, if any (exact match, as libcni's reconciler). */
    public static Optional<SpecVersion> find(String s) {
        return Arrays.stream(values()).filter(v -> v.text.equals(s)).findFirst();
    }

    /** Every version string, oldest first. */
    public static List<String> texts() {
        return Arrays.stream(values()).map(SpecVersion::text).toList();
    }

    public boolean atLeast(SpecVersion other) {
        return compareTo(other) >= 0;
    }

    /** Results use {@code ip4}/{@code ip6} sections. */
    public boolean legacyResult() {
        return this.compareTo(V0_3_0) < 0;
    }

    /** Results carry {@code ips[].version}. */
    public boolean versionedIps() {
        return this.compareTo(V0_3_0) >= 0 && this.compareTo(V1_0_0) < 0;
    }

    @Override
    public String toString() {
        return text;
    }

    /**
     * Compares two semantic versions ({@code MAJOR.MINOR.PATCH}, numbers only), as libcni does
     * when it orders {@code cniVersions}. Throws {@link CniException} (code 1... 6) on a malformed
     * version.
     */
    public static int compare(String a, String b) {
        int[] x = parts(a);
        int[] y = parts(b);
        for (int i = 0; i < 3; i++) {
            int c = Integer.compare(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int[] parts(String v) {
        String[] p = v == null ? new String[0] : v.split("\\.", -1);
        if (p.length != 3) {
            throw new CniException(CniException.DECODING_FAILURE, "invalid version \"" + v + "\": expected MAJOR.MINOR.PATCH");
        }
        int[] r = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                r[i] = Integer.parseInt(p[i]);
            } catch (NumberFormatException e) {
                throw new CniException(CniException.DECODING_FAILURE, "invalid version \"" + v + "\": " + p[i] + " is not a number");
            }
            if (r[i] < 0) {
                throw new CniException(CniException.DECODING_FAILURE, "invalid version \"" + v + "\": negative part");
            }
        }
        return r;
    }
}
