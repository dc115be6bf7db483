package dev.keelson.netns.sysctl;

/** Which tree a per-interface sysctl lives in: {@code net.ipv4.conf.<if>} or {@code net.ipv6.conf.<if>}. */
public enum IpFamily {
    IPV4("ipv4"),
    IPV6("ipv6");

    private final String dir;

    IpFamily(String dir) {
        this.dir = dir;
    }

    /** The directory name under /proc/sys/net. */
    public String directory() {
        return dir;
    }
}
