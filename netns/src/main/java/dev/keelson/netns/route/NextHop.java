package dev.keelson.netns.route;

import dev.keelson.linux.rtnetlink.RouteAttrs;
import dev.keelson.netns.addr.InetAddresses;
import java.net.InetAddress;

/**
 * One path of a multipath route (an entry of RTA_MULTIPATH, {@code struct rtnexthop}): {@code ip
 * route add ... nexthop via GW dev DEV weight W}.
 *
 * @param gateway the next router, or null for a path straight out of the interface
 * @param ifindex the outgoing interface (0 to let the kernel find it from the gateway)
 * @param weight  1–256; traffic is spread over the paths in proportion to their weights
 * @param flags   RTNH_F_* ({@link RouteAttrs#RTNH_F_ONLINK} to use a gateway not in any
 *                on-link prefix; the kernel reports DEAD/LINKDOWN here too)
 */
public record NextHop(InetAddress gateway, int ifindex, int weight, int flags) {

    public NextHop {
        if (weight < 1 || weight > 256) {
            throw new IllegalArgumentException("a nexthop weight is 1-256, not " + weight);
        }
    }

    /** A path via {@code gateway} out of {@code ifindex}, weight 1. */
    public static NextHop via(InetAddress gateway, int ifindex) {
        return new NextHop(gateway, ifindex, 1, 0);
    }

    /** As {@link #via(InetAddress, int)} with the gateway written as text. */
    public static NextHop via(String gateway, int ifindex) {
        return via(InetAddresses.parse(gateway), ifindex);
    }

    public NextHop withWeight(int w) {
        return new NextHop(gateway, ifindex, w, flags);
    }

    /** The same path with RTNH_F_ONLINK: the gateway is taken to be on the link even outside any prefix. */
    public NextHop onlink() {
        return new NextHop(gateway, ifindex, weight, flags | RouteAttrs.RTNH_F_ONLINK);
    }

    @Override
    public String toString() {
        return "nexthop" + (gateway != null ? " via " + InetAddresses.format(gateway) : "")
                + (ifindex != 0 ? " oif " + ifindex : "") + " weight " + weight
                + ((flags & RouteAttrs.RTNH_F_ONLINK) != 0 ? " onlink" : "");
    }
}
