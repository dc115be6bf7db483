package dev.keelson.netns.neigh;

import static dev.keelson.linux.rtnetlink.RouteAttrs.*;

import dev.keelson.linux.Flags;
import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NlMsg;
import dev.keelson.linux.rtnetlink.NdMsg;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.link.MacAddress;
import java.net.InetAddress;

/**
 * Reads an RTM_NEWNEIGH or RTM_DELNEIGH message of family AF_INET or AF_INET6 (a dump entry or a
 * notification) into a {@link Neighbour}: the one decoder behind {@link Neighbours#list} and the
 * neighbour events of {@code dev.keelson.netns.event}. Bridge FDB entries (AF_BRIDGE) are not
 * neighbours: null. The flyweights are reused, so one decoder serves one thread at a time.
 */
public final class NeighbourDecoder {
    private final NdMsg nd = new NdMsg();
    private final AttrCursor attrs = new AttrCursor();

    /** The ARP or NDP entry in {@code m}, or null for another message. */
    public Neighbour decode(NlMsg m) {
        return decode(m, 0, AF_UNSPEC);
    }

    /**
     * As {@link #decode(NlMsg)}, and null too unless on interface {@code ifindex} (0: any) and of
     * {@code family} (AF_UNSPEC: either); decided from the header, before anything is allocated.
     */
    Neighbour decode(NlMsg m, int ifindex, int family) {
        if ((m.type() != RTM_NEWNEIGH && m.type() != RTM_DELNEIGH) || m.length() < Netlink.HEADER_SIZE + NdMsg.SIZE) {
            return null;
        }
        nd.wrap(m.segment(), m.payload());
        int f = nd.family();
        if ((f != Flags.AF_INET && f != Flags.AF_INET6) || (family != AF_UNSPEC && f != family)
                || (ifindex != 0 && nd.ifindex() != ifindex)) {
            return null;
        }
        InetAddress dst = null;
        MacAddress lladdr = null;
        m.attributes(NdMsg.SIZE, attrs);
        while (attrs.next()) {
            if (attrs.type() == NDA_DST) {
                dst = InetAddresses.read(attrs);
            } else if (attrs.type() == NDA_LLADDR) {
                lladdr = MacAddress.read(attrs);
            }
        }
        return dst == null ? null : new Neighbour(nd.ifindex(), dst, lladdr, nd.state(), nd.flags());
    }
}
