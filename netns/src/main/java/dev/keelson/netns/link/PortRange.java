package dev.keelson.netns.link;

/**
 * An inclusive range of UDP ports (struct ifla_vxlan_port_range, two big-endian u16).
 *
 * @param low  first port
 * @param high last port
 */
public record PortRange(int low, int high) {
    public PortRange {
        if (low < 0 || high > 0xffff || low > high) {
            throw new IllegalArgumentException("bad port range " + low + "-" + high);
        }
    }
}
