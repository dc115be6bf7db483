package dev.keelson.netns.link;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.NlMsg;
import dev.keelson.linux.rtnetlink.IfInfoMsg;
import dev.keelson.linux.rtnetlink.LinkAttrs;
import dev.keelson.linux.rtnetlink.Rtnl;

/**
 * Reads an RTM_NEWLINK message (a GET reply or a dump entry) into a {@link Link}. The flyweights are
 * reused, so one decoder serves one thread at a time (here: callbacks under the Rtnetlink lock).
 */
final class LinkDecoder {
    private final IfInfoMsg ifi = new IfInfoMsg();
    private final AttrCursor top = new AttrCursor();
    private final AttrCursor info = new AttrCursor();
    private final AttrCursor data = new AttrCursor();

    /** The link in {@code m}, or null if {@code m} is not an RTM_NEWLINK. */
    Link decode(NlMsg m) {
        if (m.type() != Rtnl.RTM_NEWLINK) {
            return null;
        }
        ifi.wrap(m.segment(), m.payload());
        String name = null;
        OperState oper = OperState.UNKNOWN;
        int mtu = 0;
        int minMtu = 0;
        int maxMtu = 0;
        int master = 0;
        int txq = 0;
        int promiscuity = 0;
        int netnsId = LinkAttrs.NSID_NOT_ASSIGNED;
        int parent = 0;
        MacAddress mac = null;
        MacAddress broadcast = null;
        String alias = null;
        Kind kind = new Kind();
        m.attributes(IfInfoMsg.SIZE, top);
        while (top.next()) {
            switch (top.type()) {
                case Rtnl.IFLA_IFNAME -> name = top.string();
                case Rtnl.IFLA_OPERSTATE -> oper = OperState.of(top.u8());
                case Rtnl.IFLA_MTU -> mtu = top.u32();
                case LinkAttrs.IFLA_MIN_MTU -> minMtu = top.u32();
                case LinkAttrs.IFLA_MAX_MTU -> maxMtu = top.u32();
                case Rtnl.IFLA_MASTER -> master = top.u32();
                case Rtnl.IFLA_TXQLEN -> txq = top.u32();
                case Rtnl.IFLA_PROMISCUITY -> promiscuity = top.u32();
                case LinkAttrs.IFLA_LINK_NETNSID -> netnsId = top.u32();
                case Rtnl.IFLA_LINK -> parent = top.u32();
                case Rtnl.IFLA_ADDRESS -> mac = MacAddress.read(top);
                case Rtnl.IFLA_BROADCAST -> broadcast = MacAddress.read(top);
                case Rtnl.IFLA_IFALIAS -> alias = top.string();
                case Rtnl.IFLA_LINKINFO -> linkInfo(kind);
                default -> { }
            }
        }
        LinkData typed = kind.data;
        if (typed == null && "veth".equals(kind.name)) {
            typed = new VethData(parent);
        }
        return new Link(ifi.index(), name, ifi.flags(), oper, mtu, minMtu, maxMtu, mac, broadcast, master, alias,
                txq, promiscuity, netnsId, parent, kind.name, typed, kind.port);
    }

    /** What IFLA_LINKINFO says: kind, typed data, bridge-port data. */
    private static final class Kind {
        String name;
        LinkData data;
        BridgePortData port;
    }

    private void linkInfo(Kind k) {
        // IFLA_INFO_KIND comes before IFLA_INFO_DATA and SLAVE_KIND before SLAVE_DATA
        // (rtnl_link_info_fill in net/core/rtnetlink.c), so one pass suffices.
        String slaveKind = null;
        top.nested(info);
        while (info.next()) {
            switch (info.type()) {
                case Rtnl.IFLA_INFO_KIND -> k.name = info.string();
                case Rtnl.IFLA_INFO_DATA -> k.data = kindData(k.name, info.nested(data));
                case LinkAttrs.IFLA_INFO_SLAVE_KIND -> slaveKind = info.string();
                case LinkAttrs.IFLA_INFO_SLAVE_DATA -> {
                    if ("bridge".equals(slaveKind)) {
                        k.port = BridgePortData.decode(info.nested(data));
                    }
                }
                default -> { }
            }
        }
    }

    private static LinkData kindData(String kind, AttrCursor a) {
        if (kind == null) {
            return null;
        }
        return switch (kind) {
            case Bridge.KIND -> BridgeData.decode(a);
            case Macvlan.KIND -> MacvlanData.decode(a);
            case Ipvlan.KIND -> IpvlanData.decode(a);
            case Vlan.KIND -> VlanData.decode(a);
            case Vxlan.KIND -> VxlanData.decode(a);
            default -> null;
        };
    }
}
