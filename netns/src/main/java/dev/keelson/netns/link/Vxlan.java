package dev.keelson.netns.link;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.rtnetlink.LinkAttrs;
import dev.keelson.linux.rtnetlink.Rtnl;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * A VXLAN tunnel endpoint (IFLA_VXLAN_* in linux/if_link.h).
 *
 * <pre>{@code
 * links.add(Vxlan.named("vxlan42", 42).local(InetAddress.ofLiteral("10.0.0.1"))
 *         .remote(InetAddress.ofLiteral("10.0.0.2")).dstPort(4789).learning(false));
 * }</pre>
 *
 * @param name      the new link's name
 * @param vni       IFLA_VXLAN_ID (24 bits)
 * @param local     IFLA_VXLAN_LOCAL / LOCAL6, or null
 * @param remote    IFLA_VXLAN_GROUP / GROUP6: a multicast group ({@link #group}) or one unicast
 *                  remote ({@link #remote(InetAddress)}), or null
 * @param dstPort   IFLA_VXLAN_PORT, or 0 for the kernel's default (8472, the pre-IANA port; pass
 *                  4789 for the IANA one)
 * @param learning  IFLA_VXLAN_LEARNING, or null for the kernel's default (on)
 * @param portRange IFLA_VXLAN_PORT_RANGE, the UDP source ports, or null
 * @param device    the underlying device's name (IFLA_VXLAN_LINK), or null
 * @param options   common options
 */
public record Vxlan(String name, int vni, InetAddress local, InetAddress remote, int dstPort, Boolean learning,
                    PortRange portRange, String device, LinkOptions options) implements LinkSpec<Vxlan> {
    public static final String KIND = "vxlan";

    public Vxlan {
        IfNames.check(name);
        if (vni < 0 || vni > 0xffffff) {
            throw new IllegalArgumentException("a VXLAN VNI is 0 to 16777215, not " + vni);
        }
        if (dstPort < 0 || dstPort > 0xffff) {
            throw new IllegalArgumentException("bad VXLAN port " + dstPort);
        }
        if (device != null) {
            IfNames.check(device);
        }
        if (local != null && remote != null && local.getClass() != remote.getClass()) {
            throw new IllegalArgumentException("VXLAN local " + local + " and remote " + remote
                    + " are of different families");
        }
    }

    /** A VXLAN {@code name} for network identifier {@code vni}. */
    public static Vxlan named(String name, int vni) {
        return new Vxlan(name, vni, null, null, 0, null, null, null, LinkOptions.DEFAULTS);
    }

    /** The local tunnel address (IPv4 or IPv6). */
    public Vxlan local(InetAddress local) {
        return new Vxlan(name, vni, local, remote, dstPort, learning, portRange, device, options);
    }

    /** One unicast remote endpoint. */
    public Vxlan remote(InetAddress remote) {
        if (remote.isMulticastAddress()) {
            throw new IllegalArgumentException(remote + " is a multicast address: use group()");
        }
        return new Vxlan(name, vni, local, remote, dstPort, learning, portRange, device, options);
    }

    /** A multicast group to flood to (usually with a {@link #device}). */
    public Vxlan group(InetAddress group) {
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException(group + " is not a multicast address: use remote()");
        }
        return new Vxlan(name, vni, local, group, dstPort, learning, portRange, device, options);
    }

    /** The UDP destination port (4789 is IANA's). */
    public Vxlan dstPort(int port) {
        return new Vxlan(name, vni, local, remote, port, learning, portRange, device, options);
    }

    /** Learning of remote MACs into the FDB on or off. */
    public Vxlan learning(boolean on) {
        return new Vxlan(name, vni, local, remote, dstPort, on, portRange, device, options);
    }

    /** The range of UDP source ports. */
    public Vxlan portRange(int low, int high) {
        return new Vxlan(name, vni, local, remote, dstPort, learning, new PortRange(low, high), device, options);
    }

    /** The underlying device, looked up in the handle's namespace. */
    public Vxlan device(String device) {
        return new Vxlan(name, vni, local, remote, dstPort, learning, portRange, device, options);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Vxlan options(LinkOptions options) {
        return new Vxlan(name, vni, local, remote, dstPort, learning, portRange, device, options);
    }

    void writeData(MessageWriter w, int deviceIndex) {
        int data = w.beginNested(Rtnl.IFLA_INFO_DATA);
        w.putU32(LinkAttrs.IFLA_VXLAN_ID, vni);
        if (local != null) {
            w.putBytes(local instanceof Inet4Address ? LinkAttrs.IFLA_VXLAN_LOCAL : LinkAttrs.IFLA_VXLAN_LOCAL6,
                    local.getAddress());
        }
        if (remote != null) {
            w.putBytes(remote instanceof Inet4Address ? LinkAttrs.IFLA_VXLAN_GROUP : LinkAttrs.IFLA_VXLAN_GROUP6,
                    remote.getAddress());
        }
        if (deviceIndex > 0) {
            w.putU32(LinkAttrs.IFLA_VXLAN_LINK, deviceIndex);
        }
        if (dstPort != 0) {
            w.putU16be(LinkAttrs.IFLA_VXLAN_PORT, dstPort);
        }
        if (learning != null) {
            w.putU8(LinkAttrs.IFLA_VXLAN_LEARNING, learning ? 1 : 0);
        }
        if (portRange != null) {
            w.putBytes(LinkAttrs.IFLA_VXLAN_PORT_RANGE, new byte[] {
                    (byte) (portRange.low() >> 8), (byte) portRange.low(),
                    (byte) (portRange.high() >> 8), (byte) portRange.high()});
        }
        w.endNested(data);
    }
}
