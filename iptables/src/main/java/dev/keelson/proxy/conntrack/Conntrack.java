package dev.keelson.proxy.conntrack;

import dev.keelson.linux.Flags;
import dev.keelson.linux.NotFoundException;
import dev.keelson.linux.netfilter.NfGenMsg;
import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NetlinkSocket;
import dev.keelson.linux.netlink.NlMsg;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The connection-tracking table through ctnetlink (linux/netfilter/nfnetlink_conntrack.h), in the
 * network namespace of the thread that opened it: list flows and delete the stale ones.
 *
 * <p>Why a proxy deletes entries: a UDP "connection" is an entry that lives as long as packets keep
 * arriving, and while it lives every datagram follows the NAT decision made for its first one. When
 * an endpoint goes away, clients that keep sending would keep hitting the dead address, and a client
 * that talked to a service while it had no endpoints keeps being rejected; kube-proxy deletes those
 * entries, and so does the sync loop through this class.
 *
 * <pre>
 *  IPCTNL_MSG_CT_GET (dump) / IPCTNL_MSG_CT_DELETE, nfgenmsg{family}
 *   CTA_TUPLE_ORIG  { CTA_TUPLE_IP { CTA_IP_V4_SRC|V6_SRC, CTA_IP_V4_DST|V6_DST },
 *                     CTA_TUPLE_PROTO { CTA_PROTO_NUM u8, CTA_PROTO_SRC_PORT be16, CTA_PROTO_DST_PORT be16 } }
 *   CTA_TUPLE_REPLY { same layout: the reply direction, i.e. after NAT }
 *   CTA_ZONE be16
 * </pre>
 *
 * Not thread-safe (one socket); use from one thread at a time.
 */
public final class Conntrack implements AutoCloseable {
    static final int IPCTNL_MSG_CT_GET = 1;
    static final int IPCTNL_MSG_CT_DELETE = 2;
    static final int CTA_TUPLE_ORIG = 1;
    static final int CTA_TUPLE_REPLY = 2;
    static final int CTA_ZONE = 18;
    static final int CTA_TUPLE_IP = 1;
    static final int CTA_TUPLE_PROTO = 2;
    static final int CTA_IP_V4_SRC = 1;
    static final int CTA_IP_V4_DST = 2;
    static final int CTA_IP_V6_SRC = 3;
    static final int CTA_IP_V6_DST = 4;
    static final int CTA_PROTO_NUM = 1;
    static final int CTA_PROTO_SRC_PORT = 2;
    static final int CTA_PROTO_DST_PORT = 3;
    /** IPPROTO_UDP. */
    public static final int UDP = 17;

    private final NetlinkSocket socket;
    private final AttrCursor top = new AttrCursor();
    private final AttrCursor tuple = new AttrCursor();
    private final AttrCursor inner = new AttrCursor();

    private Conntrack(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Opens a ctnetlink socket in the calling thread's network namespace. */
    public static Conntrack open() {
        return new Conntrack(NetlinkSocket.open(Netlink.NETLINK_NETFILTER));
    }

    /** Every flow of {@code family} ({@code AF_INET} or {@code AF_INET6}) that {@code filter} accepts. */
    public List<Flow> list(int family, Predicate<Flow> filter) {
        List<Flow> out = new ArrayList<>();
        MessageWriter w = socket.writer();
        int m = w.begin(NfGenMsg.type(NfGenMsg.SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET),
                Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP);
        NfGenMsg.write(w, family, 0);
        w.end(m);
        socket.dump(w, "IPCTNL_MSG_CT_GET", new NetlinkSocket.DumpHandler() {
            @Override
            public void message(NlMsg msg) {
                Flow f = parse(msg);
                if (f != null && filter.test(f)) {
                    out.add(f);
                }
            }

            @Override
            public void restart() {
                out.clear();
            }
        });
        return out;
    }

    /**
     * Deletes every flow of {@code family} that {@code filter} accepts; returns how many were deleted
     * (a flow that expired in between is not counted and is no error).
     */
    public int delete(int family, Predicate<Flow> filter) {
        int n = 0;
        for (Flow f : list(family, filter)) {
            if (delete(f)) {
                n++;
            }
        }
        return n;
    }

    /** Deletes one flow by its original tuple; false when it no longer exists. */
    public boolean delete(Flow f) {
        int family = f.origSrc() instanceof Inet6Address ? Flags.AF_INET6 : Flags.AF_INET;
        MessageWriter w = socket.writer();
        int m = w.begin(NfGenMsg.type(NfGenMsg.SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE),
                Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
        NfGenMsg.write(w, family, 0);
        int t = w.beginNested(CTA_TUPLE_ORIG);
        int ip = w.beginNested(CTA_TUPLE_IP);
        boolean v6 = family == Flags.AF_INET6;
        w.putBytes(v6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC, f.origSrc().getAddress());
        w.putBytes(v6 ? CTA_IP_V6_DST : CTA_IP_V4_DST, f.origDst().getAddress());
        w.endNested(ip);
        int p = w.beginNested(CTA_TUPLE_PROTO);
        w.putU8(CTA_PROTO_NUM, f.protocol());
        w.putU16be(CTA_PROTO_SRC_PORT, f.origSrcPort());
        w.putU16be(CTA_PROTO_DST_PORT, f.origDstPort());
        w.endNested(p);
        w.endNested(t);
        if (f.zone() != 0) {
            w.putU16be(CTA_ZONE, f.zone());
        }
        w.end(m);
        try {
            socket.execute(w, "IPCTNL_MSG_CT_DELETE", f.toString());
            return true;
        } catch (NotFoundException gone) {
            return false;
        }
    }

    private Flow parse(NlMsg msg) {
        msg.attributes(NfGenMsg.SIZE, top);
        Tuple orig = null;
        Tuple reply = null;
        int zone = 0;
        while (top.next()) {
            switch (top.type()) {
                case CTA_TUPLE_ORIG -> orig = tuple(top);
                case CTA_TUPLE_REPLY -> reply = tuple(top);
                case CTA_ZONE -> zone = top.u16be();
                default -> { }
            }
        }
        if (orig == null || reply == null || orig.src == null || reply.src == null) {
            return null;
        }
        return new Flow(orig.proto, orig.src, orig.sport, orig.dst, orig.dport, reply.src, reply.sport, zone);
    }

    private Tuple tuple(AttrCursor at) {
        Tuple t = new Tuple();
        at.nested(tuple);
        while (tuple.next()) {
            if (tuple.type() == CTA_TUPLE_IP) {
                tuple.nested(inner);
                while (inner.next()) {
                    switch (inner.type()) {
                        case CTA_IP_V4_SRC, CTA_IP_V6_SRC -> t.src = address(inner.bytes());
                        case CTA_IP_V4_DST, CTA_IP_V6_DST -> t.dst = address(inner.bytes());
                        default -> { }
                    }
                }
            } else if (tuple.type() == CTA_TUPLE_PROTO) {
                tuple.nested(inner);
                while (inner.next()) {
                    switch (inner.type()) {
                        case CTA_PROTO_NUM -> t.proto = inner.u8();
                        case CTA_PROTO_SRC_PORT -> t.sport = inner.u16be();
                        case CTA_PROTO_DST_PORT -> t.dport = inner.u16be();
                        default -> { }
                    }
                }
            }
        }
        return t;
    }

    private static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("ctnetlink sent a " + b.length + "-byte address", e);
        }
    }

    /** Mutable scratch while parsing one tuple. */
    private static final class Tuple {
        int proto;
        InetAddress src;
        InetAddress dst;
        int sport;
        int dport;
    }

    @Override
    public void close() {
        socket.close();
    }
}
