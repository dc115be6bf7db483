package dev.keelson.netns.event;

import static dev.keelson.linux.rtnetlink.RouteAttrs.*;

import dev.keelson.linux.netlink.NlMsg;
import dev.keelson.linux.rtnetlink.Rtnl;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.AddressDecoder;
import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.LinkDecoder;
import dev.keelson.netns.neigh.Neighbour;
import dev.keelson.netns.neigh.NeighbourDecoder;
import dev.keelson.netns.route.Route;
import dev.keelson.netns.route.RouteDecoder;

/**
 * Turns one rtnetlink notification into a {@link NetEvent}, or null for a message it does not decode,
 * with the decoders the object APIs use. Not thread-safe: one per reader; the flyweights are reused.
 */
final class EventDecoder {
    private final LinkDecoder links = new LinkDecoder();
    private final AddressDecoder addresses = new AddressDecoder();
    private final RouteDecoder routes = new RouteDecoder();
    private final NeighbourDecoder neighbours = new NeighbourDecoder();

    NetEvent decode(NlMsg m) {
        return switch (m.type()) {
            case Rtnl.RTM_NEWLINK, Rtnl.RTM_DELLINK -> {
                Link l = links.decode(m);
                yield l == null ? null : new LinkEvent(action(m), l);
            }
            case RTM_NEWADDR, RTM_DELADDR -> {
                Address a = addresses.decode(m);
                yield a == null ? null : new AddressEvent(action(m), a);
            }
            case RTM_NEWROUTE, RTM_DELROUTE -> {
                Route r = routes.decode(m);
                yield r == null ? null : new RouteEvent(action(m), r);
            }
            case RTM_NEWNEIGH, RTM_DELNEIGH -> {
                Neighbour n = neighbours.decode(m);
                yield n == null ? null : new NeighbourEvent(action(m), n);
            }
            default -> null;
        };
    }

    /** rtnetlink message types come in fours, NEW, DEL, GET, SET (linux/rtnetlink.h): RTM_NEWLINK is 16. */
    private static Action action(NlMsg m) {
        return (m.type() - Rtnl.RTM_NEWLINK) % 4 == 1 ? Action.DEL : Action.NEW;
    }
}
