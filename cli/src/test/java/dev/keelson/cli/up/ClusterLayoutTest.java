package dev.keelson.cli.up;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The per-node layout of a multi-node cluster: names, ranges and paths that must not collide, and node 1 as a single node has it. */
class ClusterLayoutTest {
    private final ClusterLayout one = ClusterLayout.defaults("c").withDataDir(Path.of("/d")).withRunDir(Path.of("/r"));

    @Test
    void aSingleNodeKeepsItsPlacesAndAddresses() {
        assertFalse(one.multiNode());
        assertEquals("c-node1", one.nodeName());
        assertEquals("keelson-c-node1", one.nodeNetns());
        assertEquals("10.244.0.0/24", one.podCidr());
        assertEquals("10.244.0.1", one.nodeIp(), "one node: InternalIP is the bridge's gateway");
        assertEquals(Path.of("/d/cri"), one.criRoot());
        assertEquals(Path.of("/r/cri.sock"), one.criSocket());
        assertEquals("/keelson-c", one.cgroupParent());
    }

    @ParameterizedTest
    @CsvSource({
        "1, c-node1, keelson-c-node1, 10.244.0.0/24, 10.244.0.1, 172.30.0.1, /d/cri, /r/cri.sock, /keelson-c",
        "2, c-node2, keelson-c-node2, 10.244.1.0/24, 10.244.1.1, 172.30.0.2, /d/node2/cri, /r/node2-cri.sock, /keelson-c-node2",
        "3, c-node3, keelson-c-node3, 10.244.2.0/24, 10.244.2.1, 172.30.0.3, /d/node3/cri, /r/node3-cri.sock, /keelson-c-node3",
    })
    void eachNodeHasItsOwnNamesRangesAndFiles(int k, String name, String netns, String cidr, String gateway, String ip,
                                              String cri, String socket, String cgroup) {
        ClusterLayout n = one.withNodes(3).forNode(k);
        assertTrue(n.multiNode());
        assertEquals(k, n.node());
        assertEquals(name, n.nodeName());
        assertEquals(netns, n.nodeNetns());
        assertEquals(cidr, n.podCidr());
        assertEquals(gateway, n.gatewayIp());
        assertEquals(ip, n.nodeIp(), "several nodes: InternalIP is the underlay address");
        assertEquals(Path.of(cri), n.criRoot());
        assertEquals(Path.of(socket), n.criSocket());
        assertEquals(cgroup, n.cgroupParent());
        assertEquals("10.244.0.0/16", n.clusterCidr());
        assertEquals("keelson-c-underlay", n.underlayNetns());
        assertEquals(Path.of("/d/server/admin.kubeconfig"), n.kubeconfig(), "one control plane for all nodes");
        assertEquals(Path.of("/r/up.json"), n.recordFile(), "one record for all nodes");
        assertEquals(one.withNodes(3).forNode(k), one.withNodes(3).forNode(3).forNode(k), "forNode is relative to the cluster, not the node");
    }

    @Test
    void nodeCountsOutsideTheRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> one.withNodes(0));
        assertThrows(IllegalArgumentException.class, () -> one.withNodes(ClusterLayout.MAX_NODES + 1));
        assertThrows(IllegalArgumentException.class, () -> one.withNodes(2).forNode(3));
    }
}
