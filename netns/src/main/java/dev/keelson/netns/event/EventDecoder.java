package dev.keelson.netns.event;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NlMsg;
import dev.keelson.linux.rtnetlink.EventHeaders;
import dev.keelson.linux.rtnetlink.Groups;
import dev.keelson.linux.rtnetlink.IfInfoMsg;
import dev.keelson.linux.rtnetlink.Rtnl;
import dev.keelson.netns.link.OperState;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Turns one rtnetlink notification (or dump reply) into a {@link NetEvent}, or null for a message
 * it does not decode. Not thread-safe: one per reader; the flyweights are reused.
 */
final class EventDecoder {
    private static final int AF_BRIDGE = 7;
    private static final HexFormat MAC = HexFormat.ofDelimiter(":");

    private final IfInfoMsg ifi = new IfInfoMsg();
    private final EventHeaders.IfAddr ifa = new EventHeaders.IfAddr();
    private final EventHeaders.Rt rtm = new EventHeaders.Rt();
    private final EventHeaders.Nd ndm = new EventHeaders.Nd();
    private final AttrCursor attrs = new AttrCursor();

    NetEvent decode(NlMsg m) {
        return switch (m.type()) {
            case Rtnl.RTM_NEWLINK -> link(m, Action.NEW);
            case Rtnl.RTM_DELLINK -> link(m, Action.DEL);
            case Groups.RTM_NEWADDR -> address(m, Action.NEW);
            case Groups.RTM_DELADDR -> address(m, Action.DEL);
            case Groups.RTM_NEWROUTE -> route(m, Action.NEW);
            case Groups.RTM_DELROUTE -> route(m, Action.DEL);
            case Groups.RTM_NEWNEIGH -> neighbour(m, Action.NEW);
            case Groups.RTM_DELNEIGH -> neighbour(m, Action.DEL);
            default -> null;
        };
    }

    private static boolean fits(NlMsg m, int familyHeader) {
        return m.length() >= Netlink.HEADER_SIZE + familyHeader;
    }

    /** A link message; AF_BRIDGE ones (the bridge-port view of a link, also sent to RTNLGRP_LINK) are skipped. */
    LinkEvent link(NlMsg m, Action action) {
        if (!fits(m, IfInfoMsg.SIZE)) {
            return null;
        }
        ifi.wrap(m.segment(), m.payload());
        if (ifi.family() == AF_BRIDGE) {
            return null;
        }
        int flags = ifi.flags();
        String name = null;
        int mtu = 0;
        int oper = EventHeaders.IF_OPER_UNKNOWN;
        int carrier = -1;
        m.attributes(IfInfoMsg.SIZE, attrs);
        while (attrs.next()) {
            switch (attrs.type()) {
                case Rtnl.IFLA_IFNAME -> name = attrs.string();
                case Rtnl.IFLA_MTU -> mtu = attrs.u32();
                case Rtnl.IFLA_OPERSTATE -> oper = attrs.u8();
                case Rtnl.IFLA_CARRIER -> carrier = attrs.u8();
                default -> { }
            }
        }
        boolean hasCarrier = carrier >= 0 ? carrier != 0 : (flags & Rtnl.IFF_LOWER_UP) != 0;
        return new LinkEvent(action, ifi.index(), name, flags, OperState.of(oper), hasCarrier, mtu);
    }

    private AddressEvent address(NlMsg m, Action action) {
        if (!fits(m, EventHeaders.IfAddr.SIZE)) {
            return null;
        }
        ifa.wrap(m);
        Family family = Family.of(ifa.family());
        if (family == null) {
            return null;
        }
        InetAddress local = null;
        InetAddress address = null;
        m.attributes(EventHeaders.IfAddr.SIZE, attrs);
        while (attrs.next()) {
            switch (attrs.type()) {
                case EventHeaders.IFA_LOCAL -> local = inet(attrs);
                case EventHeaders.IFA_ADDRESS -> address = inet(attrs);
                default -> { }
            }
        }
        InetAddress a = local != null ? local : address;
        return a == null ? null : new AddressEvent(action, ifa.index(), family, a, ifa.prefixLength());
    }

    private RouteEvent route(NlMsg m, Action action) {
        if (!fits(m, EventHeaders.Rt.SIZE)) {
            return null;
        }
        rtm.wrap(m);
        Family family = Family.of(rtm.family());
        if (family == null) {
            return null;
        }
        int table = rtm.table();
        InetAddress dst = null;
        InetAddress gateway = null;
        int oif = 0;
        int priority = 0;
        m.attributes(EventHeaders.Rt.SIZE, attrs);
        while (attrs.next()) {
            switch (attrs.type()) {
                case EventHeaders.RTA_TABLE -> table = attrs.u32();
                case EventHeaders.RTA_DST -> dst = inet(attrs);
                case EventHeaders.RTA_GATEWAY -> gateway = inet(attrs);
                case EventHeaders.RTA_OIF -> oif = attrs.u32();
                case EventHeaders.RTA_PRIORITY -> priority = attrs.u32();
                default -> { }
            }
        }
        if (dst == null) {
            dst = anyAddress(family);
        }
        return new RouteEvent(action, family, table, dst, rtm.dstLength(), Optional.ofNullable(gateway), oif,
                rtm.type(), priority);
    }

    private NeighbourEvent neighbour(NlMsg m, Action action) {
        if (!fits(m, EventHeaders.Nd.SIZE)) {
            return null;
        }
        ndm.wrap(m);
        Family family = Family.of(ndm.family());
        if (family == null) {
            return null; // AF_BRIDGE: an FDB entry
        }
        InetAddress ip = null;
        String lladdr = null;
        m.attributes(EventHeaders.Nd.SIZE, attrs);
        while (attrs.next()) {
            switch (attrs.type()) {
                case EventHeaders.NDA_DST -> ip = inet(attrs);
                case EventHeaders.NDA_LLADDR -> lladdr = MAC.formatHex(attrs.bytes());
                default -> { }
            }
        }
        return ip == null ? null : new NeighbourEvent(action, ndm.index(), family, ip,
                Optional.ofNullable(lladdr), NeighbourState.of(ndm.state()));
    }

    /** An IPv4 or IPv6 address attribute; null for a payload of another length. */
    private static InetAddress inet(AttrCursor a) {
        int n = a.payloadLength();
        if (n != 4 && n != 16) {
            return null;
        }
        try {
            return InetAddress.getByAddress(a.bytes());
        } catch (UnknownHostException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    private static InetAddress anyAddress(Family f) {
        try {
            return InetAddress.getByAddress(new byte[f == Family.IPV4 ? 4 : 16]);
        } catch (UnknownHostException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }
}
