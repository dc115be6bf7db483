package dev.keelson.netns.event;

import dev.keelson.netns.route.Route;

/**
 * A route was added or replaced ({@link Action#NEW}, RTM_NEWROUTE) or removed ({@link Action#DEL},
 * RTM_DELROUTE). Routes the kernel makes by itself arrive too: adding 10.0.0.1/24 announces a local
 * route in table 255 and (for IPv4) a prefix route in table 254; so do cached routes (RTM_F_CLONED).
 *
 * @param action NEW or DEL
 * @param route  the route, decoded as {@link dev.keelson.netns.route.Routes#list} reads it
 */
public record RouteEvent(Action action, Route route) implements NetEvent {
}
