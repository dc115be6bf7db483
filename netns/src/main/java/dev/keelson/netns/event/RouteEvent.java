package dev.keelson.netns.event;

import java.net.InetAddress;
import java.util.Optional;

/**
 * A route was added or replaced ({@link Action#NEW}, RTM_NEWROUTE) or removed ({@link Action#DEL},
 * RTM_DELROUTE). Routes the kernel makes by itself arrive too: adding 10.0.0.1/24 announces a local
 * route in table 255 and (for IPv4) a prefix route in table 254.
 *
 * @param action      NEW or DEL
 * @param family      IPv4 or IPv6
 * @param table       the routing table id (RTA_TABLE, else rtm_table): 254 main, 255 local
 * @param destination the destination network (RTA_DST); the all-zero address for a default route
 * @param dstLength   the destination prefix length (0 for a default route)
 * @param gateway     the next hop (RTA_GATEWAY), empty for a directly connected route
 * @param oif         the output interface index (RTA_OIF), 0 if none (e.g. a blackhole or multipath route)
 * @param type        the route type, RTN_* (linux/rtnetlink.h): 1 unicast, 2 local, 6 blackhole, 7 unreachable...
 * @param priority    the metric (RTA_PRIORITY), 0 if not set
 */
public record RouteEvent(Action action, Family family, int table, InetAddress destination, int dstLength,
                         Optional<InetAddress> gateway, int oif, int type, int priority) implements NetEvent {
    /** Table 254, where routes go unless told otherwise. */
    public static final int TABLE_MAIN = 254;
    /** Table 255: the kernel's routes to the namespace's own and broadcast addresses. */
    public static final int TABLE_LOCAL = 255;

    /** The destination in CIDR notation, e.g. {@code 10.1.0.0/16} or {@code ::/0}. */
    public String destinationCidr() {
        return destination.getHostAddress() + "/" + dstLength;
    }
}
