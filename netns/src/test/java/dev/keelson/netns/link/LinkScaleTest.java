package dev.keelson.netns.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.TestNetns;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A dump of 1,000 links, and 50 namespaces worked on from many virtual threads at once. */
@KernelTest
class LinkScaleTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        TestNetns.deleteAll();
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    @Test
    void aDumpOfAThousandLinksParsesCompletely() {
        NetNamespace ns = keep(NetNamespace.create("big"));
        Rtnetlink rtnl = keep(Rtnetlink.open(ns));
        Links links = new Links(rtnl);
        List<Veth> pairs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            pairs.add(Veth.named("a" + i).peer("b" + i));
        }
        long t0 = System.nanoTime();
        links.addAll(pairs); // one datagram of 500 RTM_NEWLINK requests
        long created = System.nanoTime() - t0;

        List<Link> all = links.list(); // warm-up (class loading, buffer growth)
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 30; i++) {
            long s = System.nanoTime();
            all = links.list();
            best = Math.min(best, System.nanoTime() - s);
        }
        long raw = Long.MAX_VALUE; // the same dump, nothing decoded: the kernel's and the socket's share
        for (int i = 0; i < 30; i++) {
            long s = System.nanoTime();
            rtnl.dump("RTM_GETLINK", LinkEncoder::dump, m -> null);
            raw = Math.min(raw, System.nanoTime() - s);
        }
        long ipStart = System.nanoTime();
        dev.keelson.testing.Command.ok("ip", "-n", "big", "-j", "link", "show");
        long ipTime = System.nanoTime() - ipStart;
        System.out.printf("links: created 500 veth pairs in one batch in %.1f ms; list() of %d links: best of 30 %.2f ms, of which"
                + " the undecoded dump %.2f ms (one `ip -j link show` of them: %.1f ms)%n", created / 1e6, all.size(), best / 1e6, raw / 1e6, ipTime / 1e6);

        assertEquals(1001, all.size());
        Set<String> names = all.stream().map(Link::name).collect(Collectors.toSet());
        assertEquals(1001, names.size());
        for (int i = 0; i < 500; i++) {
            assertTrue(names.contains("a" + i) && names.contains("b" + i), "pair " + i);
        }
        Set<String> ip = Ip.links("big").stream().map(m -> (String) m.get("ifname")).collect(Collectors.toSet());
        assertEquals(ip, names);
        Map<String, Link> byName = all.stream().collect(Collectors.toMap(Link::name, l -> l));
        assertEquals(byName.get("b7").index(), ((VethData) byName.get("a7").data()).peerIndex());
    }

    /**
     * 50 namespaces, each with its own Rtnetlink; 4 virtual threads per namespace at once each
     * ensure the namespace's bridge, add a veth pair, enslave and raise it. Each namespace ends up
     * with exactly its own links.
     */
    @Test
    void fiftyNamespacesFromManyThreadsEachKeepTheirOwnLinks() throws Exception {
        int n = 50;
        int perNs = 4;
        List<Links> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NetNamespace ns = keep(NetNamespace.create("p" + i));
            handles.add(new Links(keep(Rtnetlink.open(ns))));
        }
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < perNs; k++) {
                    Links links = handles.get(i);
                    String br = "br" + i;
                    String a = "va" + i + "-" + k;
                    String b = "vb" + i + "-" + k;
                    work.add(ex.submit(() -> {
                        Link bridge = links.ensure(Bridge.named(br).up());
                        links.add(Veth.named(a).peer(b));
                        links.setMaster(a, bridge.index());
                        links.setUp(a);
                        links.setUp(b);
                        return null;
                    }));
                }
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        System.out.printf("links: %d namespaces x %d threads: %.1f ms%n", n, perNs, (System.nanoTime() - t0) / 1e6);

        for (int i = 0; i < n; i++) {
            Set<String> want = new TreeSet<>(Set.of("lo", "br" + i));
            for (int k = 0; k < perNs; k++) {
                want.add("va" + i + "-" + k);
                want.add("vb" + i + "-" + k);
            }
            List<Map<String, Object>> ip = Ip.links("p" + i);
            Set<String> have = new TreeSet<>();
            for (Map<String, Object> m : ip) {
                have.add((String) m.get("ifname"));
                if (((String) m.get("ifname")).startsWith("va")) {
                    assertEquals("br" + i, m.get("master"), m.get("ifname") + " in p" + i);
                    assertTrue(Ip.flags(m).contains("UP"));
                }
            }
            assertEquals(want, have, "links of p" + i);
            assertEquals(new HashSet<>(want),
                    handles.get(i).list().stream().map(Link::name).collect(Collectors.toSet()));
        }
    }
}
