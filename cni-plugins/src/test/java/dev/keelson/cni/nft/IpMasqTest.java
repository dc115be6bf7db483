package dev.keelson.cni.nft;

import static dev.keelson.cni.nft.Topology.NODE_OUT_IP;
import static dev.keelson.cni.nft.Topology.OUT_IP;
import static dev.keelson.cni.nft.Topology.POD_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.testing.KernelTest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // resources held open for the block's duration
@KernelTest
class IpMasqTest {
    private static final List<String> ADDRS = List.of(POD_IP + "/24");

    @Test
    void outsideSeesTheNodeAddressOnlyWhileMasqueraded() throws Exception {
        try (Topology t = new Topology()) {
            assertEquals(POD_IP, t.udpSourceSeen(t.out, OUT_IP, 40001), "before setup");
            t.node.run(() -> {
                IpMasq.setup("net1", "c1", "eth0", ADDRS);
                return null;
            });
            assertEquals(NODE_OUT_IP, t.udpSourceSeen(t.out, OUT_IP, 40002), "masqueraded");
            // Traffic inside the container's subnet keeps its source.
            assertEquals(POD_IP, t.udpSourceSeen(t.node, Topology.GW, 40003), "own subnet");
            assertTrue(t.node.run(() -> IpMasq.isSetUp("net1", "c1", "eth0", ADDRS)));
            assertFalse(t.node.run(() -> IpMasq.isSetUp("net1", "c1", "eth0", List.of("10.22.0.6/24"))));

            assertTrue(t.node.run(() -> IpMasq.teardown("net1", "c1", "eth0")));
            // conntrack remembers the old flow's NAT; a new source port makes a new flow.
            assertEquals(POD_IP, t.udpSourceSeen(t.out, OUT_IP, 40004), "after teardown");
        }
    }

    @Test
    void teardownRemovesEverythingIsIdempotentAndNeedsNoNetns() throws Exception {
        try (Topology t = new Topology()) {
            String before = t.node.run(() -> {
                IpMasq.setup("net1", "keep", "eth0", List.of("10.22.0.9/24"));
                return t.nodeRuleset();
            });
            t.node.run(() -> {
                IpMasq.setup("net1", "c2", "eth0", List.of(POD_IP + "/24", "fd00:22::5/64"));
                return null;
            });
            String during = t.nodeRuleset();
            assertTrue(during.contains("10.22.0.5 : goto " + IpMasq.chainOf("net1", "c2", "eth0")), during);
            assertTrue(during.contains("fd00:22::5 : goto"), during);
            assertTrue(during.contains("ip6 daddr != ff00::/8 masquerade"), during);
            // The pod's namespace is gone before DEL, as when a runtime deletes it first.
            t.pod.delete();
            assertTrue(t.node.run(() -> IpMasq.teardown("net1", "c2", "eth0")));
            assertFalse(t.node.run(() -> IpMasq.teardown("net1", "c2", "eth0")), "second DEL finds nothing");
            assertEquals(before, t.nodeRuleset());
        }
    }

    @Test
    void aTakenOverAddressIsLeftToItsNewOwner() throws Exception {
        try (Topology t = new Topology()) {
            t.node.run(() -> {
                IpMasq.setup("net1", "old", "eth0", ADDRS);   // its DEL never ran
                IpMasq.setup("net1", "new", "eth0", ADDRS);   // same IP, later container
                assertTrue(IpMasq.teardown("net1", "old", "eth0"));
                return null;
            });
            String rs = t.nodeRuleset();
            assertTrue(rs.contains("10.22.0.5 : goto " + IpMasq.chainOf("net1", "new", "eth0")), rs);
            assertFalse(rs.contains(IpMasq.chainOf("net1", "old", "eth0")), rs);
            assertEquals(NODE_OUT_IP, t.udpSourceSeen(t.out, OUT_IP, 40005));
        }
    }

    @Test
    void setupAndTeardownTimings() throws Exception {
        try (Topology t = new Topology()) {
            long[][] times = t.node.run(() -> {
                int n = 120;
                long[] add = new long[n];
                long[] del = new long[n];
                for (int i = 0; i < n; i++) {
                    List<String> a = List.of("10.30." + (i / 200) + "." + (i % 200 + 2) + "/16");
                    long s = System.nanoTime();
                    IpMasq.setup("bench", "c" + i, "eth0", a);
                    add[i] = System.nanoTime() - s;
                }
                for (int i = 0; i < n; i++) {
                    long s = System.nanoTime();
                    IpMasq.teardown("bench", "c" + i, "eth0");
                    del[i] = System.nanoTime() - s;
                }
                return new long[][] {Arrays.copyOfRange(add, 20, n), Arrays.copyOfRange(del, 20, n)};
            });
            long add = median(times[0]);
            long del = median(times[1]);
            System.out.printf("IpMasq kept context: setup median %.3f ms, teardown median %.3f ms (100 runs after 20 warm-up)%n",
                    add / 1e6, del / 1e6);
            assertTrue(add < 1_000_000, "ipMasq must add at most 1 ms to an ADD: " + add + " ns");
        }
    }

    static long median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
