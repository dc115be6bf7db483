package dev.keelson.netns.neigh;

import static dev.keelson.linux.rtnetlink.RouteAttrs.*;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.rtnetlink.NdMsg;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.InetAddresses;
import java.util.List;

/**
 * ARP and NDP neighbour entries over rtnetlink (RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH with
 * family AF_INET or AF_INET6), the equivalent of {@code ip neigh add|replace|del|show}. Bridge
 * forwarding entries are in {@link BridgeFdb}.
 *
 * <p>Errors are typed: {@code AlreadyExistsException} (EEXIST) on add of an entry that is there,
 * {@code NotFoundException} for an unknown interface (ENODEV) or, on delete, a missing entry (ENOENT).
 */
public final class Neighbours {
    private final Rtnetlink rtnl;

    public Neighbours(Rtnetlink rtnl) {
        this.rtnl = rtnl;
    }

    /** Adds {@code n}; fails with {@code AlreadyExistsException} if an entry for its address is there. */
    public void add(Neighbour n) {
        rtnl.execute("RTM_NEWNEIGH", n.describe(), w -> write(w, RTM_NEWNEIGH, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, n));
    }

    /** Adds {@code n} or overwrites the entry for its address (state, link-layer address, flags). */
    public void replace(Neighbour n) {
        rtnl.execute("RTM_NEWNEIGH", n.describe(), w -> write(w, RTM_NEWNEIGH, Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE, n));
    }

    /** Deletes the entry for {@code n}'s address on its interface. */
    public void delete(Neighbour n) {
        rtnl.execute("RTM_DELNEIGH", n.describe(), w -> write(w, RTM_DELNEIGH, 0, n));
    }

    /** Every IPv4 and IPv6 entry (AF_INET / AF_INET6 / 0 for {@code family}) on {@code ifindex} (0 for all). */
    public List<Neighbour> list(int ifindex, int family) {
        NeighbourDecoder decoder = new NeighbourDecoder();
        return rtnl.dump("RTM_GETNEIGH", w -> {
            int m = w.begin(RTM_GETNEIGH, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP);
            long at = w.reserve(NdMsg.SIZE);
            new NdMsg().wrap(w.segment(), at).family(family);
            if (ifindex != 0) {
                w.putU32(NDA_IFINDEX, ifindex); // honoured by the kernel in both strict and legacy mode
            }
            w.end(m);
        }, msg -> decoder.decode(msg, ifindex, family));
    }

    /** Every IPv4 and IPv6 entry of every interface. */
    public List<Neighbour> list() {
        return list(0, AF_UNSPEC);
    }

    /** ndmsg (family, ifindex, state, flags), NDA_DST, and NDA_LLADDR when there is one. */
    private static void write(MessageWriter w, int type, int createFlags, Neighbour n) {
        int m = w.begin(type, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | createFlags);
        long at = w.reserve(NdMsg.SIZE);
        new NdMsg().wrap(w.segment(), at).family(n.family()).ifindex(n.ifindex()).state(n.state()).flags(n.flags());
        InetAddresses.put(w, NDA_DST, n.address());
        if (n.lladdr() != null && type == RTM_NEWNEIGH) {
            w.putBytes(NDA_LLADDR, n.lladdr().bytes());
        }
        w.end(m);
    }
}
