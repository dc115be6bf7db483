package dev.keelson.proxy.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.Flags;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.backend.NftBackend;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.conntrack.Conntrack;
import dev.keelson.proxy.conntrack.Flow;
import dev.keelson.proxy.model.Manifests;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real UDP traffic from a client namespace through ClusterIPs DNATed by this (the test JVM's)
 * namespace; when an endpoint goes away the sync deletes exactly its conntrack entries.
 */
@KernelTest
class ConntrackCleanupTest {
    private static final NodeConfig NODE = new NodeConfig("node-a", List.of(InetAddresses.parse("10.200.0.1")),
            List.of(IpPrefix.parse("10.244.0.0/16")), List.of(IpPrefix.parse("10.96.0.0/16")), false);
    private static final String YAML = """
            kind: Service
            apiVersion: v1
            metadata: {name: dns, namespace: default}
            spec: {clusterIP: 10.96.0.53, ports: [{name: dns, port: 53, protocol: UDP, targetPort: 5353}]}
            ---
            kind: Service
            apiVersion: v1
            metadata: {name: other, namespace: default}
            spec: {clusterIP: 10.96.0.54, ports: [{name: dns, port: 53, protocol: UDP, targetPort: 5354}]}
            ---
            kind: EndpointSlice
            apiVersion: discovery.k8s.io/v1
            metadata: {name: other-1, namespace: default, labels: {kubernetes.io/service-name: other}}
            addressType: IPv4
            ports: [{name: dns, port: 5354, protocol: UDP}]
            endpoints: [{addresses: [10.200.0.1], nodeName: node-a}]
            """;
    private static final String DNS_SLICE = """
            ---
            kind: EndpointSlice
            apiVersion: discovery.k8s.io/v1
            metadata: {name: dns-1, namespace: default, labels: {kubernetes.io/service-name: dns}}
            addressType: IPv4
            ports: [{name: dns, port: 5353, protocol: UDP}]
            endpoints: [{addresses: [10.200.0.1], nodeName: node-a}]
            """;

    private NetNamespace client;

    @BeforeEach
    void wire() {
        client = NetNamespace.create("ct-client");
        Command.ok("ip", "link", "add", "ctv0", "type", "veth", "peer", "name", "eth0", "netns", "ct-client");
        Command.ok("ip", "addr", "add", "10.200.0.1/24", "dev", "ctv0");
        Command.ok("ip", "link", "set", "ctv0", "up");
        Command.ok("ip", "-n", "ct-client", "addr", "add", "10.200.0.2/24", "dev", "eth0");
        Command.ok("ip", "-n", "ct-client", "link", "set", "eth0", "up");
        Command.ok("ip", "-n", "ct-client", "route", "add", "default", "via", "10.200.0.1");
    }

    @AfterEach
    void unwire() {
        Command.run("ip", "link", "del", "ctv0");
        client.delete();
        client.close();
    }

    private void send(String ip) throws Exception {
        client.run(() -> {
            try (DatagramSocket s = new DatagramSocket()) {
                s.send(new DatagramPacket(new byte[]{1}, 1, new InetSocketAddress(ip, 53)));
            }
            return null;
        });
    }

    @Test
    void entriesAnsweredByARemovedEndpointAreDeletedAndOthersKept() throws Exception {
        Snapshot with = Manifests.parse(YAML + DNS_SLICE);
        Snapshot without = Manifests.parse(YAML);
        try (Proxier p = new Proxier(NftBackend.open(), NODE, new Proxier.Options(Duration.ZERO, Duration.ZERO, true),
                Conntrack.open())) {
            try {
                p.update(with);
                p.syncNow();
                send("10.96.0.53");
                send("10.96.0.54");
                String listed = Command.ok("conntrack", "-L", "-p", "udp");
                assertTrue(listed.contains("dst=10.96.0.53") && listed.contains("dst=10.96.0.54"), listed);
                try (Conntrack ct = Conntrack.open()) {
                    List<Flow> flows = ct.list(Flags.AF_INET, f -> f.origDst().equals(InetAddresses.parse("10.96.0.53")));
                    assertEquals(1, flows.size(), flows.toString());
                    assertEquals(InetAddresses.parse("10.200.0.1"), flows.getFirst().replySrc(), "DNATed to the endpoint");
                    assertEquals(5353, flows.getFirst().replySrcPort());
                }
                p.update(without);
                p.syncNow();
                String after = Command.ok("conntrack", "-L", "-p", "udp");
                assertFalse(after.contains("dst=10.96.0.53"), after);
                assertTrue(after.contains("dst=10.96.0.54"), "the other service's flow stays: " + after);
                assertEquals(1, p.metrics().conntrackDeleted());
            } finally {
                p.flush();
            }
        }
    }
}
