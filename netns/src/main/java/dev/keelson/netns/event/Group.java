package dev.keelson.netns.event;

import dev.keelson.linux.rtnetlink.Groups;

/** The rtnetlink multicast groups a {@link Subscription} can listen to (linux/rtnetlink.h RTNLGRP_*). */
public enum Group {
    /** Links appearing, changing (up/down, carrier, operstate, MTU, name...) and going away: {@link LinkEvent}s. */
    LINK(Groups.RTNLGRP_LINK),
    /** ARP and NDP neighbour entries: {@link NeighbourEvent}s. */
    NEIGHBOUR(Groups.RTNLGRP_NEIGH),
    /** IPv4 addresses: {@link AddressEvent}s. */
    IPV4_ADDRESS(Groups.RTNLGRP_IPV4_IFADDR),
    /** IPv4 routes in every table (the kernel's local-table routes included): {@link RouteEvent}s. */
    IPV4_ROUTE(Groups.RTNLGRP_IPV4_ROUTE),
    /** IPv6 addresses: {@link AddressEvent}s. */
    IPV6_ADDRESS(Groups.RTNLGRP_IPV6_IFADDR),
    /** IPv6 routes in every table: {@link RouteEvent}s. */
    IPV6_ROUTE(Groups.RTNLGRP_IPV6_ROUTE);

    private final int number;

    Group(int number) {
        this.number = number;
    }

    /** The RTNLGRP_* number the socket joins. */
    public int number() {
        return number;
    }
}
