package dev.keelson.cni.skel;

import dev.keelson.cni.spec.SpecVersion;
import java.util.List;

/**
 * What a plugin says about itself: its name (for the banner), Keelson's version, and the spec
 * versions it accepts (all of {@link SpecVersion} unless it says otherwise).
 */
public record About(String name, String version, List<SpecVersion> supported) {
    /** Keelson's version as the jar manifest says, or "version unknown" when run from classes. */
    public static final String KEELSON_VERSION = keelsonVersion();

    public About {
        supported = List.copyOf(supported);
        if (supported.isEmpty()) {
            throw new IllegalArgumentException("a plugin must support at least one spec version");
        }
    }

    /** A plugin of Keelson's version supporting every spec version. */
    public static About of(String name) {
        return new About(name, KEELSON_VERSION, List.of(SpecVersion.values()));
    }

    /** The supported versions as text, oldest first. */
    public List<String> supportedTexts() {
        return supported.stream().map(SpecVersion::text).toList();
    }

    /**
     * The lines printed when CNI_COMMAND is unset, shaped like the reference's
     * ({@code CNI loopback plugin version unknown} / {@code CNI protocol versions supported: ...}).
     */
    public String banner() {
        return "CNI " + name + " plugin (Keelson) " + version + "\n"
                + "CNI protocol versions supported: " + String.join(", ", supportedTexts()) + "\n";
    }

    private static String keelsonVersion() {
        String v = About.class.getPackage().getImplementationVersion();
        return v == null ? "version unknown" : "v" + v;
    }
}
