package dev.keelson.netns.route;

import static dev.keelson.linux.rtnetlink.RouteAttrs.*;

import dev.keelson.linux.Flags;
import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NlMsg;
import dev.keelson.linux.rtnetlink.RtMsg;
import dev.keelson.linux.rtnetlink.RtNexthop;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an RTM_NEWROUTE or RTM_DELROUTE message (a dump entry or a notification) into a
 * {@link Route}: the one decoder behind {@link Routes#list} and the route events of
 * {@code dev.keelson.netns.event}. The flyweights are reused, so one decoder serves one thread at a
 * time; reading allocates only for the routes kept.
 */
public final class RouteDecoder {
    private final RtMsg rtm = new RtMsg();
    private final RtNexthop nh = new RtNexthop();
    private final AttrCursor attrs = new AttrCursor();
    private final AttrCursor inner = new AttrCursor();

    /** The IPv4 or IPv6 route in {@code m}, cached ones (RTM_F_CLONED) included, or null for another message. */
    public Route decode(NlMsg m) {
        return decode(m, null);
    }

    /**
     * The route in a dump reply, or null if it is not an IPv4/IPv6 route matching {@code f} (null:
     * any route, cached ones included; a filter leaves cached ones out). A first pass reads only
     * numbers to decide; addresses are made only for routes that are kept.
     */
    Route decode(NlMsg msg, RouteFilter f) {
        if ((msg.type() != RTM_NEWROUTE && msg.type() != RTM_DELROUTE) || msg.length() < Netlink.HEADER_SIZE + RtMsg.SIZE) {
            return null;
        }
        rtm.wrap(msg.segment(), msg.payload());
        int family = rtm.family();
        if (family != Flags.AF_INET && family != Flags.AF_INET6) {
            return null;
        }
        if (f != null && ((f.family() != 0 && family != f.family()) || (f.protocol() != 0 && rtm.protocol() != f.protocol())
                || (f.type() != 0 && rtm.type() != f.type()) || (rtm.flags() & RTM_F_CLONED) != 0)) {
            return null;
        }
        int table = rtm.table();
        int oif = 0;
        msg.attributes(RtMsg.SIZE, attrs);
        while (attrs.next()) {
            switch (attrs.type()) {
                case RTA_TABLE -> table = attrs.u32();
                case RTA_OIF -> oif = attrs.u32();
                default -> { }
            }
        }
        if (f != null && ((f.table() != 0 && table != f.table()) || (f.oif() != 0 && oif != f.oif()))) {
            return null;
        }
        return route(msg, table, oif);
    }

    private Route route(NlMsg msg, int table, int oif) {
        InetAddress dst = null;
        InetAddress gateway = null;
        InetAddress prefsrc = null;
        int priority = 0;
        int mtu = 0;
        int advmss = 0;
        List<NextHop> nexthops = List.of();
        msg.attributes(RtMsg.SIZE, attrs);
        while (attrs.next()) {
            switch (attrs.type()) {
                case RTA_DST -> dst = InetAddresses.read(attrs);
                case RTA_GATEWAY -> gateway = InetAddresses.read(attrs);
                case RTA_PREFSRC -> prefsrc = InetAddresses.read(attrs);
                case RTA_PRIORITY -> priority = attrs.u32();
                case RTA_METRICS -> {
                    attrs.nested(inner);
                    while (inner.next()) {
                        if (inner.type() == RTAX_MTU) {
                            mtu = inner.u32();
                        } else if (inner.type() == RTAX_ADVMSS) {
                            advmss = inner.u32();
                        }
                    }
                }
                case RTA_MULTIPATH -> nexthops = nexthops();
                default -> { }
            }
        }
        IpPrefix prefix = dst != null ? new IpPrefix(dst, rtm.dstLength()) : IpPrefix.any(rtm.family());
        return new Route(prefix, gateway, oif, prefsrc, priority, table, rtm.protocol(), rtm.scope(), rtm.type(),
                rtm.flags(), mtu, advmss, nexthops);
    }

    /** The rtnexthop array of the current RTA_MULTIPATH attribute. */
    private List<NextHop> nexthops() {
        List<NextHop> out = new ArrayList<>(2);
        var seg = attrs.segment();
        long p = attrs.payloadOffset();
        long end = p + attrs.payloadLength();
        while (p + RtNexthop.SIZE <= end) {
            nh.wrap(seg, p);
            int len = nh.length();
            if (len < RtNexthop.SIZE || p + len > end) {
                break;
            }
            InetAddress gw = inner.wrap(seg, p + RtNexthop.SIZE, p + len).find(RTA_GATEWAY) ? InetAddresses.read(inner) : null;
            out.add(new NextHop(gw, nh.ifindex(), nh.hops() + 1, nh.flags()));
            p += Netlink.align(len);
        }
        return out;
    }
}
