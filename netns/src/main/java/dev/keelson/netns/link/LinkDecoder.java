package dev.keelson.netns.link;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NlMsg;
import dev.keelson.linux.rtnetlink.IfInfoMsg;
import dev.keelson.linux.rtnetlink.LinkAttrs;
import dev.keelson.linux.rtnetlink.Rtnl;

/**
 * Reads an RTM_NEWLINK or RTM_DELLINK message (a GET reply, a dump entry or a notification) into a
 * {@link Link}: the one decoder behind {@link Links} and the link events of
 * {@code dev.keelson.netns.event}. The flyweights are reused, so one decoder serves one thread at a
 * time (in {@link Links}: callbacks under the Rtnetlink lock; for events: the reader thread).
 */
public final class LinkDecoder {
    /** PF_BRIDGE (linux/socket.h): the bridge-port view of a link, sent to RTNLGRP_LINK too. */
    private static final int AF_BRIDGE = 7;

    private final IfInfoMsg ifi = new IfInfoMsg();
    private final AttrCursor top = new AttrCursor();
    private final AttrCursor info = new AttrCursor();
    private final AttrCursor data = new AttrCursor();

    /**
     * The link in {@code m}, or null if {@code m} is not an RTM_NEWLINK or RTM_DELLINK, is too short,
     * or is an AF_BRIDGE (bridge-port) message.
     */
    public Link decode(NlMsg m) {
        if ((m.type() != Rtnl.RTM_NEWLINK && m.type() != Rtnl.RTM_DELLINK)
                || m.length() < Netlink.HEADER_SIZE + IfInfoMsg.SIZE) {
            return null;
        }
        ifi.wrap(m.segment(), m.payload());
        if (ifi.family() == AF_BRIDGE) {
            return null;
        }
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
        int carrier = -1;
        Kind kind = new Kind();
        m.attributes(IfInfoMsg.SIZE, top);
        while (top.next()) {
            switch (top.type()) {
                case Rtnl.IFLA_IFNAME -> name = top.string();
                case Rtnl.IFLA_OPERSTATE -> oper = OperState.of(top.u8());
                case Rtnl.IFLA_CARRIER -> carrier = top.u8();
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
        // IFLA_CARRIER is netif_carrier_ok(), which some devices (dummy) report while down; IFF_LOWER_UP
        // is only set while the link is up. Without IFLA_CARRIER (kernels before 3.2) the flag decides.
        boolean hasCarrier = carrier >= 0 ? carrier != 0 : (ifi.flags() & Rtnl.IFF_LOWER_UP) != 0;
        return new Link(ifi.index(), name, ifi.flags(), oper, mtu, minMtu, maxMtu, mac, broadcast, master, alias,
                txq, promiscuity, netnsId, parent, kind.name, typed, kind.port, hasCarrier);
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
