package dev.keelson.netns.link;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.rtnetlink.LinkAttrs;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A VXLAN link as read back (IFLA_VXLAN_* in IFLA_INFO_DATA, linux/if_link.h).
 *
 * @param vni         IFLA_VXLAN_ID, the 24-bit network identifier
 * @param local       IFLA_VXLAN_LOCAL / LOCAL6, or null
 * @param remote      IFLA_VXLAN_GROUP / GROUP6: the multicast group or unicast remote, or null
 * @param dstPort     IFLA_VXLAN_PORT, the UDP destination port
 * @param learning    IFLA_VXLAN_LEARNING: learn remote MACs into the FDB
 * @param portRange   IFLA_VXLAN_PORT_RANGE, the UDP source ports, or null
 * @param deviceIndex IFLA_VXLAN_LINK, the underlying device, or 0
 * @param ttl         IFLA_VXLAN_TTL (0: inherit)
 */
public record VxlanData(int vni, InetAddress local, InetAddress remote, int dstPort, boolean learning,
                        PortRange portRange, int deviceIndex, int ttl) implements LinkData {

    /** True when {@link #remote()} is a multicast group rather than one remote endpoint. */
    public boolean hasGroup() {
        return remote != null && remote.isMulticastAddress();
    }

    static VxlanData decode(AttrCursor a) {
        int vni = 0;
        int port = 0;
        int device = 0;
        int ttl = 0;
        boolean learning = false;
        InetAddress local = null;
        InetAddress remote = null;
        PortRange range = null;
        while (a.next()) {
            switch (a.type()) {
                case LinkAttrs.IFLA_VXLAN_ID -> vni = a.u32();
                case LinkAttrs.IFLA_VXLAN_GROUP, LinkAttrs.IFLA_VXLAN_GROUP6 -> remote = address(a);
                case LinkAttrs.IFLA_VXLAN_LOCAL, LinkAttrs.IFLA_VXLAN_LOCAL6 -> local = address(a);
                case LinkAttrs.IFLA_VXLAN_PORT -> port = a.u16be();
                case LinkAttrs.IFLA_VXLAN_LEARNING -> learning = a.u8() != 0;
                case LinkAttrs.IFLA_VXLAN_LINK -> device = a.u32();
                case LinkAttrs.IFLA_VXLAN_TTL -> ttl = a.u8();
                case LinkAttrs.IFLA_VXLAN_PORT_RANGE -> range = portRange(a.bytes());
                default -> { }
            }
        }
        return new VxlanData(vni, local, remote, port, learning, range, device, ttl);
    }

    private static InetAddress address(AttrCursor a) {
        try {
            InetAddress addr = InetAddress.getByAddress(a.bytes());
            return addr.isAnyLocalAddress() ? null : addr;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("vxlan address of " + a.payloadLength() + " bytes", e);
        }
    }

    private static PortRange portRange(byte[] b) {
        if (b.length < 4) {
            return null;
        }
        int low = (b[0] & 0xff) << 8 | (b[1] & 0xff);
        int high = (b[2] & 0xff) << 8 | (b[3] & 0xff);
        return low == 0 && high == 0 ? null : new PortRange(low, high);
    }
}
