package dev.keelson.cni.nft;

import static dev.keelson.cni.nft.Topology.GW;
import static dev.keelson.cni.nft.Topology.POD_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // resources held open for the block's duration
@KernelTest
class SpoofCheckTest {

    @Test
    void onlyTheContainersMacLeavesItsPort() throws Exception {
        try (Topology t = new Topology()) {
            String mac = t.podMac();
            t.node.run(() -> {
                SpoofCheck.setup("net1", "c1", "eth0", "vpod", mac);
                return null;
            });
            assertEquals(POD_IP, t.udpSourceSeen(t.node, GW, 41001), "own MAC passes");
            assertTrue(t.node.run(() -> SpoofCheck.isSetUp("net1", "c1", "eth0", "vpod")));

            Command.ok("ip", "-n", t.pod.name(), "link", "set", "eth0", "address", "02:00:00:00:be:ef");
            Command.ok("ip", "-n", t.node.name(), "neigh", "flush", "dev", "br0");
            assertNull(t.udpSourceSeen(t.node, GW, 41002), "spoofed MAC is dropped");

            Command.ok("ip", "-n", t.pod.name(), "link", "set", "eth0", "address", mac);
            assertEquals(POD_IP, t.udpSourceSeen(t.node, GW, 41003), "own MAC again");

            t.node.run(() -> SpoofCheck.teardown("net1", "c1", "eth0"));
            Command.ok("ip", "-n", t.pod.name(), "link", "set", "eth0", "address", "02:00:00:00:be:ef");
            Command.ok("ip", "-n", t.node.name(), "neigh", "flush", "dev", "br0");
            assertEquals(POD_IP, t.udpSourceSeen(t.node, GW, 41004), "no check after teardown");
        }
    }

    @Test
    void teardownIsCompleteIdempotentAndNeedsNoNetns() throws Exception {
        try (Topology t = new Topology()) {
            String mac = t.podMac();
            String empty = t.node.run(() -> {
                SpoofCheck.setup("net1", "other", "eth0", "vother", "02:00:00:00:00:01");
                return t.nodeRuleset();
            });
            t.node.run(() -> {
                SpoofCheck.setup("net1", "c1", "eth0", "vpod", mac);
                return null;
            });
            String during = t.nodeRuleset();
            assertTrue(during.contains("\"vpod\" : goto " + SpoofCheck.chainOf("net1", "c1", "eth0")), during);
            assertTrue(during.contains("type filter hook prerouting priority dstnat"), during);
            t.pod.delete();
            assertTrue(t.node.run(() -> SpoofCheck.teardown("net1", "c1", "eth0")));
            assertFalse(t.node.run(() -> SpoofCheck.teardown("net1", "c1", "eth0")));
            assertEquals(empty, t.nodeRuleset());
        }
    }

    @Test
    void badInputIsRefusedBeforeTouchingTheKernel() {
        assertThrows(IllegalArgumentException.class, () -> SpoofCheck.setup("n", "c", "eth0", "vpod", "nonsense"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpoofCheck.setup("n", "c", "eth0", "bad\"name", "02:00:00:00:00:01"));
        assertTrue(e.getMessage().contains("invalid interface name"), e.getMessage());
    }
}
