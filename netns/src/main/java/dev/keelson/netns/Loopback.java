package dev.keelson.netns;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NetlinkSocket;
import dev.keelson.linux.rtnetlink.IfInfoMsg;
import dev.keelson.linux.rtnetlink.Rtnl;

/** Brings up "lo" — always ifindex 1 in a new network namespace — with one RTM_NEWLINK. */
final class Loopback {
    private static final int LOOPBACK_INDEX = 1;

    private Loopback() {
    }

    /** Sets lo up in the namespace {@code rtnl} was opened in. */
    static void up(NetlinkSocket rtnl) {
        MessageWriter w = rtnl.writer();
        int m = w.begin(Rtnl.RTM_NEWLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
        long ifi = w.reserve(IfInfoMsg.SIZE);
        new IfInfoMsg().wrap(w.segment(), ifi)
                .index(LOOPBACK_INDEX).flags(Rtnl.IFF_UP).change(Rtnl.IFF_UP);
        w.end(m);
        rtnl.execute(w, "RTM_NEWLINK", "\"lo\" up");
    }

    /** Sets lo up in the calling thread's namespace. */
    static void up() {
        try (NetlinkSocket rtnl = NetlinkSocket.open(Netlink.NETLINK_ROUTE)) {
            up(rtnl);
        }
    }
}
