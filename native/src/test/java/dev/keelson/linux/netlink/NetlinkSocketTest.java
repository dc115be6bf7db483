package dev.keelson.linux.netlink;

import static dev.keelson.linux.netlink.Netlink.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import dev.keelson.linux.NotFoundException;
import dev.keelson.linux.NotSupportedException;
import dev.keelson.linux.rtnetlink.IfInfoMsg;
import dev.keelson.linux.rtnetlink.Rtnl;
import dev.keelson.testing.KernelTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

@KernelTest
class NetlinkSocketTest {
    private static final int VETH_INFO_PEER = 1;
    private static final int RTMGRP_LINK = 1;

    /** Runs {@code body} on a fresh platform thread moved into a fresh network namespace; the thread then ends. */
    static <T> T inFreshNetns(Callable<T> body) throws Exception {
        CompletableFuture<T> r = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                Libc.unshare(Flags.CLONE_NEWNET);
                r.complete(body.call());
            } catch (Throwable t) {
                r.completeExceptionally(t);
            }
        }).join();
        return r.get();
    }

    static List<String> linkNames(NetlinkSocket s) {
        List<String> names = new ArrayList<>();
        MessageWriter w = s.writer();
        int m = w.begin(Rtnl.RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
        w.reserve(IfInfoMsg.SIZE);
        w.end(m);
        AttrCursor a = new AttrCursor();
        s.dump(w, "RTM_GETLINK", new NetlinkSocket.DumpHandler() {
            @Override
            public void message(NlMsg msg) {
                if (msg.attributes(IfInfoMsg.SIZE, a).find(Rtnl.IFLA_IFNAME)) {
                    names.add(a.string());
                }
            }

            @Override
            public void restart() {
                names.clear();
            }
        });
        return names;
    }

    static void addVeth(MessageWriter w, String name, String peer) {
        int m = w.begin(Rtnl.RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
        w.reserve(IfInfoMsg.SIZE);
        w.putString(Rtnl.IFLA_IFNAME, name);
        int li = w.beginNested(Rtnl.IFLA_LINKINFO);
        w.putString(Rtnl.IFLA_INFO_KIND, "veth");
        int data = w.beginNested(Rtnl.IFLA_INFO_DATA);
        int p = w.beginNested(VETH_INFO_PEER);
        w.reserve(IfInfoMsg.SIZE);
        w.putString(Rtnl.IFLA_IFNAME, peer);
        w.endNested(p);
        w.endNested(data);
        w.endNested(li);
        w.end(m);
    }

    @Test
    void dumpOfAFreshNamespaceShowsOnlyLoopback() throws Exception {
        List<String> names = inFreshNetns(() -> {
            try (NetlinkSocket s = NetlinkSocket.open(NETLINK_ROUTE)) {
                return linkNames(s);
            }
        });
        assertEquals(List.of("lo"), names);
    }

    @Test
    void batchOfManyRequestsIsAcknowledgedAndAMultipartDumpReturnsEveryLink() throws Exception {
        Set<String> names = inFreshNetns(() -> {
            try (NetlinkSocket s = NetlinkSocket.open(NETLINK_ROUTE)) {
                MessageWriter w = s.writer();
                for (int i = 0; i < 300; i++) {
                    addVeth(w, "va" + i, "vb" + i);
                }
                s.execute(w, "RTM_NEWLINK", "300 veth pairs");
                return new TreeSet<>(linkNames(s));
            }
        });
        assertEquals(601, names.size());
        assertTrue(names.contains("va299") && names.contains("vb0") && names.contains("lo"));
    }

    @Test
    void kernelErrorsAreTypedAndCarryTheExtendedAck() throws Exception {
        inFreshNetns(() -> {
            try (NetlinkSocket s = NetlinkSocket.open(NETLINK_ROUTE)) {
                MessageWriter w = s.writer();
                addVeth(w, "v0", "v1");
                s.execute(w, "RTM_NEWLINK", "\"v0\"");

                AlreadyExistsException dup = assertThrows(AlreadyExistsException.class,
                        () -> s.execute(rebuild(s, "v0", "v1"), "RTM_NEWLINK", "\"v0\""));
                assertTrue(dup.getMessage().startsWith("RTM_NEWLINK(\"v0\") failed: EEXIST (File exists)"), dup.getMessage());

                MessageWriter bad = s.writer();
                int m = bad.begin(Rtnl.RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
                bad.reserve(IfInfoMsg.SIZE);
                bad.putString(Rtnl.IFLA_IFNAME, "x0");
                int li = bad.beginNested(Rtnl.IFLA_LINKINFO);
                bad.putString(Rtnl.IFLA_INFO_KIND, "nosuchkind");
                bad.endNested(li);
                bad.end(m);
                NotSupportedException ns = assertThrows(NotSupportedException.class,
                        () -> s.execute(bad, "RTM_NEWLINK", "\"x0\""));
                assertTrue(ns.detail() != null && ns.detail().contains("Unknown device type"), ns.getMessage());

                MessageWriter del = s.writer();
                int d = del.begin(Rtnl.RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);
                long ifi = del.reserve(IfInfoMsg.SIZE);
                new IfInfoMsg().wrap(del.segment(), ifi).index(99999);
                del.end(d);
                assertThrows(NotFoundException.class, () -> s.execute(del, "RTM_DELLINK", "ifindex 99999"));
            }
            return null;
        });
    }

    private static MessageWriter rebuild(NetlinkSocket s, String a, String b) {
        MessageWriter w = s.writer();
        addVeth(w, a, b);
        return w;
    }

    @Test
    void aFailureInTheMiddleOfABatchLeavesTheSocketClean() throws Exception {
        List<String> names = inFreshNetns(() -> {
            try (NetlinkSocket s = NetlinkSocket.open(NETLINK_ROUTE)) {
                MessageWriter w = s.writer();
                addVeth(w, "a0", "b0");
                addVeth(w, "a0", "b0");   // fails: exists
                addVeth(w, "a1", "b1");   // still processed by the kernel
                assertThrows(AlreadyExistsException.class, () -> s.execute(w, "RTM_NEWLINK", "batch"));
                return linkNames(s);      // no stale ACK may confuse this dump
            }
        });
        assertEquals(new TreeSet<>(List.of("lo", "a0", "b0", "a1", "b1")), new TreeSet<>(names));
    }

    @Test
    void multicastSubscribersReceiveLinkEvents() throws Exception {
        List<String> seen = inFreshNetns(() -> {
            try (NetlinkSocket events = NetlinkSocket.open(NETLINK_ROUTE, RTMGRP_LINK);
                 NetlinkSocket s = NetlinkSocket.open(NETLINK_ROUTE)) {
                MessageWriter w = s.writer();
                addVeth(w, "ev0", "ev1");
                s.execute(w, "RTM_NEWLINK", "\"ev0\"");
                List<String> got = new ArrayList<>();
                AttrCursor a = new AttrCursor();
                while (got.size() < 2) {
                    events.receiveEvents(m -> {
                        if (m.type() == Rtnl.RTM_NEWLINK && m.attributes(IfInfoMsg.SIZE, a).find(Rtnl.IFLA_IFNAME)) {
                            got.add(a.string());
                        }
                    });
                }
                return got;
            }
        });
        assertEquals(Set.of("ev0", "ev1"), Set.copyOf(seen));
    }
}
