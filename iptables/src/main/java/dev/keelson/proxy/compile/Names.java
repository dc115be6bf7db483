package dev.keelson.proxy.compile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Deterministic chain names. iptables names follow kube-proxy exactly (so tools and people that know
 * kube-proxy read them): {@code KUBE-SVC-} + the first 16 characters of base32(sha256(port name +
 * protocol)), {@code KUBE-SEP-} over port name + protocol + endpoint. nft names add a readable
 * suffix after an 8-character hash that also covers the family (one {@code inet} table holds both):
 * {@code svc-ab12cd34-default-web-http}.
 */
public final class Names {
    /** nft chain names may be up to 255 bytes (NFT_NAME_MAXLEN 256 in linux/netfilter/nf_tables.h). */
    private static final int NFT_MAX = 255;
    private static final char[] B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private Names() {
    }

    /** {@code KUBE-SVC-…}: the cluster chain of a service port. */
    public static String iptService(ServicePortName p) {
        return "KUBE-SVC-" + hash16(p + p.protocol().lower());
    }

    /** {@code KUBE-SVL-…}: the local-endpoints chain of a service port. */
    public static String iptLocal(ServicePortName p) {
        return "KUBE-SVL-" + hash16(p + p.protocol().lower());
    }

    /** {@code KUBE-EXT-…}: the external-traffic chain of a service port. */
    public static String iptExternal(ServicePortName p) {
        return "KUBE-EXT-" + hash16(p + p.protocol().lower());
    }

    /** {@code KUBE-FW-…}: the load-balancer source-range chain of a service port. */
    public static String iptFirewall(ServicePortName p) {
        return "KUBE-FW-" + hash16(p + p.protocol().lower());
    }

    /** {@code KUBE-SEP-…}: the chain of one endpoint of a service port. */
    public static String iptEndpoint(ServicePortName p, String endpoint) {
        return "KUBE-SEP-" + hash16(p + p.protocol().lower() + endpoint);
    }

    /** nft chain {@code <kind>-<hash8>-<namespace>-<name>-<port>}, e.g. {@code svc-…}, {@code ext-…}, {@code fw-…}. */
    public static String nft(String kind, ServicePortName p, Family f) {
        String port = p.port().isEmpty() ? p.protocol().lower() : p.port();
        String h = hash16(f.name() + "/" + p + "/" + p.protocol().lower()).substring(0, 8).toLowerCase(Locale.ROOT);
        String name = kind + "-" + h + "-" + p.service().namespace() + "-" + p.service().name() + "-" + port
                + (f == Family.V6 ? "-v6" : "");
        return name.length() > NFT_MAX ? name.substring(0, NFT_MAX) : name;
    }

    /** The first 16 characters of base32(sha256(s)), as kube-proxy computes chain hashes. */
    static String hash16(String s) {
        byte[] d;
        try {
            d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
        StringBuilder sb = new StringBuilder(16);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < d.length && sb.length() < 16; i++) {
            buffer = (buffer << 8) | (d[i] & 0xff);
            bits += 8;
            while (bits >= 5 && sb.length() < 16) {
                sb.append(B32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return sb.toString();
    }
}
