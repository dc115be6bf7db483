package dev.keelson.netns.route;

import static dev.keelson.linux.rtnetlink.RouteAttrs.*;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.rtnetlink.RtMsg;
import dev.keelson.linux.rtnetlink.RtNexthop;
import dev.keelson.netns.addr.InetAddresses;

/**
 * Writes {@link Route}s as RTM_*ROUTE requests and dump requests ({@link RouteDecoder} reads them
 * back). One instance holds the flyweights for one request or one batch.
 *
 * <pre>
 *  nlmsghdr | rtmsg | RTA_TABLE u32 | RTA_DST | RTA_GATEWAY | RTA_OIF u32 | RTA_PREFSRC | RTA_PRIORITY u32
 *           | RTA_METRICS { RTAX_MTU u32, RTAX_ADVMSS u32 }
 *           | RTA_MULTIPATH { rtnexthop { RTA_GATEWAY } rtnexthop { RTA_GATEWAY } ... }
 * </pre>
 */
final class RouteEncoder {
    private final RtMsg rtm = new RtMsg();
    private final RtNexthop nh = new RtNexthop();

    /** Appends one request for {@code r}; {@code nlFlags} adds NLM_F_ACK / CREATE / EXCL / REPLACE as wanted. */
    void write(MessageWriter w, int type, int nlFlags, Route r) {
        boolean delete = type == RTM_DELROUTE;
        int m = w.begin(type, Netlink.NLM_F_REQUEST | nlFlags);
        int protocol = r.protocol() == Route.PROTOCOL_DEFAULT && !delete ? RTPROT_BOOT : r.protocol();
        long at = w.reserve(RtMsg.SIZE); // reserve first: it may move the buffer
        rtm.wrap(w.segment(), at)
                .family(r.family()).dstLength(r.dst().length())
                .table(r.table() < 256 ? r.table() : RT_TABLE_UNSPEC)
                .protocol(protocol).scope(scope(r, delete)).type(r.type()).flags(r.flags());
        w.putU32(RTA_TABLE, r.table());
        if (r.dst().length() > 0) {
            InetAddresses.put(w, RTA_DST, r.dst().address());
        }
        if (r.gateway() != null) {
            InetAddresses.put(w, RTA_GATEWAY, r.gateway());
        }
        if (r.oif() != 0) {
            w.putU32(RTA_OIF, r.oif());
        }
        if (r.prefsrc() != null) {
            InetAddresses.put(w, RTA_PREFSRC, r.prefsrc());
        }
        if (r.priority() != 0) {
            w.putU32(RTA_PRIORITY, r.priority());
        }
        if (r.mtu() != 0 || r.advmss() != 0) {
            int metrics = w.beginNested(RTA_METRICS);
            if (r.mtu() != 0) {
                w.putU32(RTAX_MTU, r.mtu());
            }
            if (r.advmss() != 0) {
                w.putU32(RTAX_ADVMSS, r.advmss());
            }
            w.endNested(metrics);
        }
        if (!r.nexthops().isEmpty()) {
            // an array of rtnexthop, each followed by its own attributes; iproute2 writes it without
            // NLA_F_NESTED, and so do we: a plain header now, its length fixed once the array is written
            int mp = w.length();
            w.putFlag(RTA_MULTIPATH);
            for (NextHop n : r.nexthops()) {
                long nhAt = w.reserve(RtNexthop.SIZE);
                if (n.gateway() != null) {
                    InetAddresses.put(w, RTA_GATEWAY, n.gateway());
                }
                nh.wrap(w.segment(), nhAt).length((int) (w.length() - nhAt)).flags(n.flags())
                        .hops(n.weight() - 1).ifindex(n.ifindex());
            }
            w.endNested(mp);
        }
        w.end(m);
    }

    /** iproute2's choice (ip/iproute.c): host for local/nat, link for broadcast/multicast/anycast and gatewayless unicast. */
    private static int scope(Route r, boolean delete) {
        if (r.scope() != Route.SCOPE_AUTO) {
            return r.scope();
        }
        return switch (r.type()) {
            case RTN_LOCAL, RTN_NAT -> RT_SCOPE_HOST;
            case RTN_BROADCAST, RTN_MULTICAST, RTN_ANYCAST -> RT_SCOPE_LINK;
            case RTN_UNICAST, RTN_UNSPEC -> delete ? RT_SCOPE_NOWHERE
                    : r.gateway() == null && r.nexthops().isEmpty() ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
            default -> RT_SCOPE_UNIVERSE;
        };
    }

    /** A dump request for {@code f}: the filter goes in rtmsg and RTA_TABLE/RTA_OIF, which strict mode honours. */
    void writeDump(MessageWriter w, RouteFilter f) {
        int m = w.begin(RTM_GETROUTE, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP);
        long at = w.reserve(RtMsg.SIZE); // reserve first: it may move the buffer
        rtm.wrap(w.segment(), at).family(f.family())
                .table(f.table() < 256 ? f.table() : RT_TABLE_UNSPEC).protocol(f.protocol()).type(f.type());
        if (f.table() != 0) {
            w.putU32(RTA_TABLE, f.table());
        }
        if (f.oif() != 0) {
            w.putU32(RTA_OIF, f.oif());
        }
        w.end(m);
    }
}
