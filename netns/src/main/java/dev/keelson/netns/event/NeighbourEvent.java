package dev.keelson.netns.event;

import dev.keelson.netns.neigh.Neighbour;

/**
 * An ARP (IPv4) or NDP (IPv6) neighbour entry was added or changed ({@link Action#NEW},
 * RTM_NEWNEIGH) or removed ({@link Action#DEL}, RTM_DELNEIGH). Bridge FDB entries (AF_BRIDGE) are
 * not decoded.
 *
 * @param action    NEW or DEL
 * @param neighbour the entry, decoded as {@link dev.keelson.netns.neigh.Neighbours#list} reads it
 */
public record NeighbourEvent(Action action, Neighbour neighbour) implements NetEvent {
}
