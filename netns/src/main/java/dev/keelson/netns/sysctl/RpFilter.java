package dev.keelson.netns.sysctl;

/**
 * Reverse-path filtering, {@code net.ipv4.conf.<if>.rp_filter} (Documentation/networking/ip-sysctl.rst).
 * The kernel applies the larger of the interface's value and {@code conf.all}'s.
 */
public enum RpFilter {
    /** 0: no source validation. */
    OFF,
    /** 1: strict (RFC 3704): drop a packet whose source is not routed back out the interface it came in on. */
    STRICT,
    /** 2: loose: drop a packet whose source is not reachable through any interface. */
    LOOSE;

    /** The value written to the sysctl. */
    public int value() {
        return ordinal();
    }
}
