package dev.keelson.netns.event;

import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;

/**
 * An ARP (IPv4) or NDP (IPv6) neighbour entry was added or changed ({@link Action#NEW},
 * RTM_NEWNEIGH) or removed ({@link Action#DEL}, RTM_DELNEIGH). Bridge FDB entries (AF_BRIDGE) are
 * not decoded.
 *
 * @param action NEW or DEL
 * @param index  the interface index
 * @param family IPv4 or IPv6
 * @param ip     the neighbour's address (NDA_DST)
 * @param lladdr its link-layer address (NDA_LLADDR) as lower-case hex pairs, e.g. {@code 02:00:0a:00:00:02};
 *               empty while unresolved
 * @param state  the NUD_* states (usually one)
 */
public record NeighbourEvent(Action action, int index, Family family, InetAddress ip, Optional<String> lladdr,
                             Set<NeighbourState> state) implements NetEvent {
    public NeighbourEvent {
        state = Set.copyOf(state);
    }
}
