package dev.keelson.netns;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NetlinkSocket;
import dev.keelson.linux.rtnetlink.Rtnl;
import java.util.OptionalInt;

/**
 * Namespace ids (nsid): the small numbers by which the calling thread's namespace refers to other
 * namespaces, e.g. in {@code link-netnsid} of a veth whose peer lives elsewhere. {@code ip netns
 * list} prints them as {@code (id: N)}. Asked with RTM_GETNSID carrying NETNSA_FD.
 */
final class NsIds {
    private NsIds() {
    }

    /** The nsid the current namespace has assigned to the namespace behind {@code fd}, if any. */
    static OptionalInt of(NetlinkSocket rtnl, int fd) {
        MessageWriter w = rtnl.writer();
        int m = w.begin(Rtnl.RTM_GETNSID, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
        w.reserve(Rtnl.RTGENMSG_SIZE);
        w.putU32(Rtnl.NETNSA_FD, fd);
        w.end(m);
        int[] id = {-1};
        AttrCursor a = new AttrCursor();
        rtnl.execute(w, "RTM_GETNSID", "fd " + fd, reply -> {
            if (reply.type() == Rtnl.RTM_NEWNSID && reply.attributes(Rtnl.RTGENMSG_SIZE, a).find(Rtnl.NETNSA_NSID)) {
                id[0] = a.u32();
            }
        });
        return id[0] < 0 ? OptionalInt.empty() : OptionalInt.of(id[0]);
    }
}
