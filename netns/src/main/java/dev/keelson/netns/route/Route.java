package dev.keelson.netns.route;

import static dev.keelson.linux.rtnetlink.RouteAttrs.*;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * An IPv4 or IPv6 route, as {@code ip route} shows it. Build one from a destination and add what
 * differs from the defaults:
 *
 * <pre>{@code
 * Route.to("0.0.0.0/0").withGateway("10.22.0.1").withOif(eth0);             // default via 10.22.0.1 dev eth0
 * Route.to("10.96.0.0/12").withOif(cni0).withTable(100).withPriority(10);
 * Route.to("192.0.2.0/24").withType(RTN_BLACKHOLE);
 * Route.to("fd00:1::/64").withNexthops(List.of(NextHop.via("fd00::1", a), NextHop.via("fd00::2", b)));
 * }</pre>
 *
 * @param dst       the destination prefix ({@code 0.0.0.0/0} or {@code ::/0} for a default route)
 * @param gateway   the next router (RTA_GATEWAY), or null
 * @param oif       the outgoing interface index (RTA_OIF), or 0
 * @param prefsrc   the preferred source address (RTA_PREFSRC), or null
 * @param priority  the metric (RTA_PRIORITY); 0 lets the kernel choose (IPv4 0, IPv6 1024)
 * @param table     the table id (RTA_TABLE; main 254, local 255, or a custom one)
 * @param protocol  RTPROT_*: who installed it. {@link #PROTOCOL_DEFAULT} (0) adds with
 *                  {@code boot}, as iproute2 does, and deletes whatever the protocol
 * @param scope     RT_SCOPE_*, or {@link #SCOPE_AUTO} to pick it as iproute2 does: {@code host} for
 *                  local routes, {@code link} for a unicast route without gateway, else {@code universe}
 * @param type      RTN_*: unicast, local, blackhole, unreachable, prohibit, throw...
 * @param flags     RTNH_F_* / RTM_F_* in rtm_flags ({@link #onlink()} sets RTNH_F_ONLINK)
 * @param mtu       the path MTU metric (RTAX_MTU), 0 for none
 * @param advmss    the advertised MSS metric (RTAX_ADVMSS), 0 for none
 * @param nexthops  the paths of a multipath route (RTA_MULTIPATH); empty for a single path, which is
 *                  then given by gateway and oif
 */
public record Route(IpPrefix dst, InetAddress gateway, int oif, InetAddress prefsrc, int priority, int table,
                    int protocol, int scope, int type, int flags, int mtu, int advmss, List<NextHop> nexthops) {
    /** Scope chosen from the route's type and gateway, as iproute2 does. */
    public static final int SCOPE_AUTO = -1;
    /** Protocol {@code boot} when adding, any when deleting. */
    public static final int PROTOCOL_DEFAULT = RTPROT_UNSPEC;

    public Route {
        Objects.requireNonNull(dst, "dst");
        nexthops = List.copyOf(nexthops);
        int family = dst.family();
        if (gateway != null && InetAddresses.family(gateway) != family) {
            throw new IllegalArgumentException("gateway " + InetAddresses.format(gateway) + " is not of the family of " + dst
                    + " (IPv6 gateways for IPv4 routes, RTA_VIA, are not supported)");
        }
        if (prefsrc != null && InetAddresses.family(prefsrc) != family) {
            throw new IllegalArgumentException("prefsrc " + InetAddresses.format(prefsrc) + " is not of the family of " + dst);
        }
        for (NextHop nh : nexthops) {
            if (nh.gateway() != null && InetAddresses.family(nh.gateway()) != family) {
                throw new IllegalArgumentException(nh + " is not of the family of " + dst);
            }
        }
        if (table < 0 || type < 0 || type > 255 || protocol < 0 || protocol > 255 || scope < SCOPE_AUTO || scope > 255) {
            throw new IllegalArgumentException("table, type, protocol or scope out of range in route to " + dst);
        }
    }

    /** A unicast route to {@code dst} in the main table, everything else left to the defaults. */
    public static Route to(IpPrefix dst) {
        return new Route(dst, null, 0, null, 0, RT_TABLE_MAIN, PROTOCOL_DEFAULT, SCOPE_AUTO, RTN_UNICAST, 0, 0, 0, List.of());
    }

    /** As {@link #to(IpPrefix)} with the destination written as text, e.g. {@code "10.0.0.0/8"}. */
    public static Route to(String dst) {
        return to(IpPrefix.parse(dst));
    }

    /** The default route of {@code family} (AF_INET or AF_INET6). */
    public static Route defaultRoute(int family) {
        return to(IpPrefix.any(family));
    }

    public int family() {
        return dst.family();
    }

    public boolean isOnlink() {
        return (flags & RTNH_F_ONLINK) != 0;
    }

    public Route withGateway(InetAddress g) {
        return new Route(dst, g, oif, prefsrc, priority, table, protocol, scope, type, flags, mtu, advmss, nexthops);
    }

    public Route withGateway(String g) {
        return withGateway(InetAddresses.parse(g));
    }

    public Route withOif(int ifindex) {
        return new Route(dst, gateway, ifindex, prefsrc, priority, table, protocol, scope, type, flags, mtu, advmss, nexthops);
    }

    public Route withPrefsrc(InetAddress s) {
        return new Route(dst, gateway, oif, s, priority, table, protocol, scope, type, flags, mtu, advmss, nexthops);
    }

    public Route withPriority(int metric) {
        return new Route(dst, gateway, oif, prefsrc, metric, table, protocol, scope, type, flags, mtu, advmss, nexthops);
    }

    public Route withTable(int t) {
        return new Route(dst, gateway, oif, prefsrc, priority, t, protocol, scope, type, flags, mtu, advmss, nexthops);
    }

    public Route withProtocol(int p) {
        return new Route(dst, gateway, oif, prefsrc, priority, table, p, scope, type, flags, mtu, advmss, nexthops);
    }

    public Route withScope(int s) {
        return new Route(dst, gateway, oif, prefsrc, priority, table, protocol, s, type, flags, mtu, advmss, nexthops);
    }

    /** RTN_* type, e.g. {@code RTN_BLACKHOLE}, {@code RTN_UNREACHABLE}, {@code RTN_PROHIBIT}, {@code RTN_LOCAL}. */
    public Route withType(int t) {
        return new Route(dst, gateway, oif, prefsrc, priority, table, protocol, scope, t, flags, mtu, advmss, nexthops);
    }

    public Route withFlags(int f) {
        return new Route(dst, gateway, oif, prefsrc, priority, table, protocol, scope, type, f, mtu, advmss, nexthops);
    }

    /** RTNH_F_ONLINK: the gateway is on the link even though no address prefix of the link covers it. */
    public Route onlink() {
        return withFlags(flags | RTNH_F_ONLINK);
    }

    public Route withMtu(int m) {
        return new Route(dst, gateway, oif, prefsrc, priority, table, protocol, scope, type, flags, m, advmss, nexthops);
    }

    public Route withAdvmss(int m) {
        return new Route(dst, gateway, oif, prefsrc, priority, table, protocol, scope, type, flags, mtu, m, nexthops);
    }

    public Route withNexthops(List<NextHop> n) {
        return new Route(dst, gateway, oif, prefsrc, priority, table, protocol, scope, type, flags, mtu, advmss, n);
    }

    /** The route in iproute2's words, the way errors name it: {@code 10.1.0.0/24 via 10.0.0.1 oif 3 table 100}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (type != RTN_UNICAST) {
            sb.append(typeName(type)).append(' ');
        }
        sb.append(dst);
        if (gateway != null) {
            sb.append(" via ").append(InetAddresses.format(gateway));
        }
        if (oif != 0) {
            sb.append(" oif ").append(oif);
        }
        for (NextHop nh : nexthops) {
            sb.append(' ').append(nh);
        }
        if (table != RT_TABLE_MAIN) {
            sb.append(" table ").append(table);
        }
        if (priority != 0) {
            sb.append(" metric ").append(priority);
        }
        return sb.toString();
    }

    /** iproute2's name for an RTN_* type. */
    public static String typeName(int type) {
        return switch (type) {
            case RTN_UNSPEC -> "none";
            case RTN_UNICAST -> "unicast";
            case RTN_LOCAL -> "local";
            case RTN_BROADCAST -> "broadcast";
            case RTN_ANYCAST -> "anycast";
            case RTN_MULTICAST -> "multicast";
            case RTN_BLACKHOLE -> "blackhole";
            case RTN_UNREACHABLE -> "unreachable";
            case RTN_PROHIBIT -> "prohibit";
            case RTN_THROW -> "throw";
            case RTN_NAT -> "nat";
            case RTN_XRESOLVE -> "xresolve";
            default -> String.valueOf(type);
        };
    }
}
