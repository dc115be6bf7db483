package dev.keelson.proxy.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.proxy.compile.Disposition;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.Frontend;
import dev.keelson.proxy.compile.ServicePortName;
import dev.keelson.proxy.compile.ServicePortRules;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.model.Backend;
import dev.keelson.proxy.model.Protocol;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.model.TrafficPolicy;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which affinity-map entries a change makes stale, decided on the kernel's element bytes. */
class AffinityPurgeTest {
    private static final Frontend VIP = new Frontend(Frontend.Kind.CLUSTER_IP, InetAddresses.parse("10.96.0.13"), 6379);
    private static final Frontend EXT = new Frontend(Frontend.Kind.EXTERNAL_IP, InetAddresses.parse("203.0.113.9"), 6379);
    private static final Backend A = new Backend(InetAddresses.parse("10.244.2.20"), 6379, false);
    private static final Backend B = new Backend(InetAddresses.parse("10.244.2.21"), 6379, true);

    private static ServicePortRules unit(List<Frontend> fronts, int affinity, Backend... eps) {
        List<Backend> e = List.of(eps);
        return new ServicePortRules(new ServicePortName(new ServiceRef("default", "sticky"), "", Protocol.TCP), Family.V4,
                fronts, Disposition.FORWARD, e, Disposition.FORWARD, TrafficPolicy.Cluster, List.of(), List.of(),
                affinity, e);
    }

    private static StateDiff diff(List<ServicePortRules> removed, List<StateDiff.Change> changed) {
        return new StateDiff(List.of(), removed, changed, new TreeSet<>(), new TreeSet<>(), new TreeSet<>(),
                new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
    }

    private static final Frontend NODE_PORT = new Frontend(Frontend.Kind.NODE_PORT, null, 30379);
    /** The node address a node port's entries are recorded under. */
    private static final java.net.InetAddress NODE = InetAddresses.parse("192.168.1.10");

    /**
     * client 10.0.0.7 . frontend . port → endpoint . port, as the kernel stores it (ports padded to 4
     * bytes); a node port's entry under {@link #NODE}.
     */
    private static boolean stale(AffinityPurge p, Frontend f, Backend to) {
        byte[] key = concat(InetAddresses.parse("10.0.0.7").getAddress(),
                (f.address() == null ? NODE : f.address()).getAddress(), port(f.port()));
        byte[] data = concat(to.address().getAddress(), port(to.port()));
        return p.isStale(Family.V4, key, data);
    }

    private static byte[] port(int p) {
        return new byte[]{(byte) (p >>> 8), (byte) p, 0, 0};
    }

    private static byte[] concat(byte[]... parts) {
        return dev.keelson.linux.netfilter.NftBatch.concat(parts);
    }

    @Test
    void aRemovedEndpointMakesOnlyItsEntriesStaleOnEveryKeptFrontend() {
        AffinityPurge p = AffinityPurge.of(diff(List.of(), List.of(new StateDiff.Change(
                unit(List.of(VIP, EXT), 600, A, B), unit(List.of(VIP, EXT), 600, B)))));
        assertEquals(Set.of(Family.V4), p.families());
        assertTrue(stale(p, VIP, A) && stale(p, EXT, A));
        assertFalse(stale(p, VIP, B) || stale(p, EXT, B));
        assertFalse(stale(p, new Frontend(Frontend.Kind.CLUSTER_IP, InetAddresses.parse("10.96.0.14"), 6379), A),
                "another service's entries");
    }

    @Test
    void aRemovedServiceAFrontendThatWentAwayOrAffinityTurnedOffMakeEveryEntryStale() {
        assertTrue(stale(AffinityPurge.of(diff(List.of(unit(List.of(VIP), 600, A)), List.of())), VIP, A));
        AffinityPurge gone = AffinityPurge.of(diff(List.of(), List.of(new StateDiff.Change(
                unit(List.of(VIP, EXT), 600, A, B), unit(List.of(VIP), 600, A, B)))));
        assertTrue(stale(gone, EXT, B));
        assertFalse(stale(gone, VIP, B));
        AffinityPurge off = AffinityPurge.of(diff(List.of(), List.of(new StateDiff.Change(
                unit(List.of(VIP), 600, A, B), unit(List.of(VIP), 0, A, B)))));
        assertTrue(stale(off, VIP, B));
    }

    @Test
    void nodePortEntriesAreMatchedByPortUnderAnyNodeAddress() {
        AffinityPurge endpoint = AffinityPurge.of(diff(List.of(), List.of(new StateDiff.Change(
                unit(List.of(VIP, NODE_PORT), 600, A, B), unit(List.of(VIP, NODE_PORT), 600, B)))));
        assertTrue(stale(endpoint, NODE_PORT, A));
        assertFalse(stale(endpoint, NODE_PORT, B));
        assertFalse(stale(endpoint, new Frontend(Frontend.Kind.NODE_PORT, null, 30380), A), "another node port");
        AffinityPurge gone = AffinityPurge.of(diff(List.of(), List.of(new StateDiff.Change(
                unit(List.of(VIP, NODE_PORT), 600, A, B), unit(List.of(VIP), 600, A, B)))));
        assertTrue(stale(gone, NODE_PORT, B), "every entry of a node port that went away");
        assertFalse(stale(gone, VIP, B));
        assertTrue(stale(AffinityPurge.of(diff(List.of(unit(List.of(NODE_PORT), 600, A)), List.of())), NODE_PORT, A));
    }

    @Test
    void servicesWithoutAffinityPurgeNothing() {
        assertTrue(AffinityPurge.of(diff(List.of(unit(List.of(VIP), 0, A)), List.of(new StateDiff.Change(
                unit(List.of(EXT), 0, A, B), unit(List.of(EXT), 0, B))))).isEmpty());
    }
}
