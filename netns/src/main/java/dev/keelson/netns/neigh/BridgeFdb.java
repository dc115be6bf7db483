package dev.keelson.netns.neigh;

import static dev.keelson.linux.rtnetlink.RouteAttrs.*;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NlMsg;
import dev.keelson.linux.rtnetlink.NdMsg;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.link.MacAddress;
import java.util.List;

/**
 * Bridge forwarding-database entries over rtnetlink (RTM_*NEIGH with family AF_BRIDGE), the
 * equivalent of {@code bridge fdb add|replace|del|show}.
 *
 * <pre>{@code
 * BridgeFdb fdb = new BridgeFdb(rtnl);
 * fdb.add(FdbEntry.of("02:00:00:00:00:0a", vethPort));   // static, in the bridge's table (NTF_MASTER)
 * List<FdbEntry> entries = fdb.list(bridgeIndex);
 * }</pre>
 */
public final class BridgeFdb {
    private final Rtnetlink rtnl;

    public BridgeFdb(Rtnetlink rtnl) {
        this.rtnl = rtnl;
    }

    /** Adds {@code e}; fails with {@code AlreadyExistsException} if the bridge has an entry for the address (and VLAN). */
    public void add(FdbEntry e) {
        rtnl.execute("RTM_NEWNEIGH", e.describe(), w -> write(w, RTM_NEWNEIGH, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, e));
    }

    /** Adds {@code e} or moves/changes the entry for its address (and VLAN). */
    public void replace(FdbEntry e) {
        rtnl.execute("RTM_NEWNEIGH", e.describe(), w -> write(w, RTM_NEWNEIGH, Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE, e));
    }

    /** Deletes the entry for {@code e}'s address (and VLAN) from the table its flags name. */
    public void delete(FdbEntry e) {
        rtnl.execute("RTM_DELNEIGH", e.describe(), w -> write(w, RTM_DELNEIGH, 0, e));
    }

    /**
     * The entries of bridge {@code bridge}: those of its ports (NDA_MASTER = bridge) and those of
     * the bridge device itself; every device's entries for {@code bridge} = 0. The bridge goes into
     * the request as NDA_MASTER, which strict mode honours; the result is filtered here as well.
     */
    public List<FdbEntry> list(int bridge) {
        NdMsg nd = new NdMsg();
        AttrCursor a = new AttrCursor();
        return rtnl.dump("RTM_GETNEIGH", w -> {
            int m = w.begin(RTM_GETNEIGH, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP);
            long at = w.reserve(NdMsg.SIZE);
            nd.wrap(w.segment(), at).family(AF_BRIDGE);
            if (bridge != 0) {
                w.putU32(NDA_MASTER, bridge);
            }
            w.end(m);
        }, msg -> read(msg, bridge, nd, a));
    }

    /** ndmsg (AF_BRIDGE, port, state, NTF_MASTER/NTF_SELF), NDA_LLADDR, NDA_VLAN if set. */
    private static void write(MessageWriter w, int type, int createFlags, FdbEntry e) {
        int m = w.begin(type, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | createFlags);
        long at = w.reserve(NdMsg.SIZE);
        new NdMsg().wrap(w.segment(), at).family(AF_BRIDGE).ifindex(e.ifindex()).state(e.state()).flags(e.flags());
        w.putBytes(NDA_LLADDR, e.mac().bytes());
        if (e.vlan() != 0) {
            w.putU16(NDA_VLAN, e.vlan());
        }
        if (e.dst() != null) {
            InetAddresses.put(w, NDA_DST, e.dst());
        }
        w.end(m);
    }

    private static FdbEntry read(NlMsg msg, int bridge, NdMsg nd, AttrCursor a) {
        if (msg.type() != RTM_NEWNEIGH) {
            return null;
        }
        nd.wrap(msg.segment(), msg.payload());
        if (nd.family() != AF_BRIDGE) {
            return null;
        }
        MacAddress mac = null;
        java.net.InetAddress dst = null;
        int master = 0;
        int vlan = 0;
        msg.attributes(NdMsg.SIZE, a);
        while (a.next()) {
            switch (a.type()) {
                case NDA_LLADDR -> mac = MacAddress.read(a);
                case NDA_MASTER -> master = a.u32();
                case NDA_VLAN -> vlan = a.u16();
                case NDA_DST -> dst = InetAddresses.read(a);
                default -> { }
            }
        }
        if (mac == null || (bridge != 0 && master != bridge && nd.ifindex() != bridge)) {
            return null;
        }
        return new FdbEntry(mac, nd.ifindex(), master, vlan, nd.state(), nd.flags(), dst);
    }
}
