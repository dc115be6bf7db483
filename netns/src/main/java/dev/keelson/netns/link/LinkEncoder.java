package dev.keelson.netns.link;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.rtnetlink.IfInfoMsg;
import dev.keelson.linux.rtnetlink.LinkAttrs;
import dev.keelson.linux.rtnetlink.Rtnl;

/**
 * Writes RTM_NEWLINK create requests for link specs:
 * <pre>
 * nlmsghdr (REQUEST|ACK|CREATE|EXCL) | ifinfomsg (flags IFF_UP if asked)
 *   IFLA_IFNAME, IFLA_MTU, IFLA_ADDRESS, IFLA_TXQLEN, IFLA_NET_NS_FD,
 *   IFLA_MASTER                                                     common options
 *   IFLA_LINK                                                         lower device (macvlan, ipvlan, vlan)
 *   IFLA_LINKINFO { IFLA_INFO_KIND, IFLA_INFO_DATA { kind attributes } }
 * </pre>
 */
final class LinkEncoder {
    private static final int CREATE = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE
            | Netlink.NLM_F_EXCL;

    private LinkEncoder() {
    }

    /** Appends the create request for {@code spec}; {@code lowerIndex} is its resolved lower device, or 0. */
    static void create(MessageWriter w, LinkSpec<?> spec, int lowerIndex) {
        LinkOptions o = spec.options();
        int m = w.begin(Rtnl.RTM_NEWLINK, CREATE);
        long ifi = w.reserve(IfInfoMsg.SIZE);
        if (o.up()) {
            new IfInfoMsg().wrap(w.segment(), ifi).flags(Rtnl.IFF_UP).change(Rtnl.IFF_UP);
        }
        w.putString(Rtnl.IFLA_IFNAME, spec.name());
        if (o.mtu() != null) {
            w.putU32(Rtnl.IFLA_MTU, o.mtu());
        }
        if (o.mac() != null) {
            w.putBytes(Rtnl.IFLA_ADDRESS, o.mac().bytes());
        }
        if (o.txQueueLen() != null) {
            w.putU32(Rtnl.IFLA_TXQLEN, o.txQueueLen());
        }
        if (o.namespace() != null) {
            w.putU32(Rtnl.IFLA_NET_NS_FD, o.namespace().fd());
        }
        if (o.master() != null) {
            w.putU32(Rtnl.IFLA_MASTER, o.master());
        }
        if (lowerIndex > 0 && !(spec instanceof Vxlan)) {
            w.putU32(Rtnl.IFLA_LINK, lowerIndex);
        }
        int info = w.beginNested(Rtnl.IFLA_LINKINFO);
        w.putString(Rtnl.IFLA_INFO_KIND, spec.kind());
        switch (spec) {
            case Veth v -> v.writeData(w);
            case Bridge b -> b.writeData(w);
            case Macvlan mv -> mv.writeData(w);
            case Ipvlan iv -> iv.writeData(w);
            case Vlan vl -> vl.writeData(w);
            case Vxlan vx -> vx.writeData(w, lowerIndex);
            case GenericLink g -> { }
        }
        w.endNested(info);
        w.end(m);
    }

    /** The name of the lower device {@code spec} needs resolved to an index, or null. */
    static String lowerName(LinkSpec<?> spec) {
        return switch (spec) {
            case Macvlan mv -> mv.master();
            case Ipvlan iv -> iv.master();
            case Vlan vl -> vl.master();
            case Vxlan vx -> vx.device();
            case Veth v -> null;
            case Bridge b -> null;
            case GenericLink g -> null;
        };
    }

    /** Starts a request on an existing link, found by name (ifi_index 0 + IFLA_IFNAME) or by index. */
    static int change(MessageWriter w, String name, int index, int flags, int change) {
        int m = w.begin(Rtnl.RTM_NEWLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
        long ifi = w.reserve(IfInfoMsg.SIZE);
        new IfInfoMsg().wrap(w.segment(), ifi).index(index).flags(flags).change(change);
        if (index == 0) {
            w.putString(Rtnl.IFLA_IFNAME, name);
        }
        return m;
    }

    /** A GET of one link by name or index, without statistics. */
    static void get(MessageWriter w, String name, int index) {
        int m = w.begin(Rtnl.RTM_GETLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
        long ifi = w.reserve(IfInfoMsg.SIZE);
        new IfInfoMsg().wrap(w.segment(), ifi).index(index);
        if (name != null) {
            w.putString(Rtnl.IFLA_IFNAME, name);
        }
        w.putU32(LinkAttrs.IFLA_EXT_MASK, LinkAttrs.RTEXT_FILTER_SKIP_STATS);
        w.end(m);
    }

    /** A dump of every link, without statistics (they are most of a dump's bytes). */
    static void dump(MessageWriter w) {
        int m = w.begin(Rtnl.RTM_GETLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP);
        w.reserve(IfInfoMsg.SIZE);
        w.putU32(LinkAttrs.IFLA_EXT_MASK, LinkAttrs.RTEXT_FILTER_SKIP_STATS);
        w.end(m);
    }

    /** Describes a create for error messages: {@code "cni0" bridge}. */
    static String describe(LinkSpec<?> spec) {
        return IfNames.quote(spec.name()) + " " + spec.kind();
    }
}
