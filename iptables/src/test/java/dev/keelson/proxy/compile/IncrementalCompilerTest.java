package dev.keelson.proxy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.Fixtures;
import dev.keelson.proxy.ipt.IptablesRenderer;
import dev.keelson.proxy.model.AddressType;
import dev.keelson.proxy.model.Endpoint;
import dev.keelson.proxy.model.EndpointConditions;
import dev.keelson.proxy.model.EndpointPort;
import dev.keelson.proxy.model.EndpointSlice;
import dev.keelson.proxy.model.Protocol;
import dev.keelson.proxy.model.Service;
import dev.keelson.proxy.model.ServicePort;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.model.ServiceType;
import dev.keelson.proxy.model.SessionAffinity;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.proxy.model.TargetPort;
import dev.keelson.proxy.model.TrafficPolicy;
import dev.keelson.proxy.nft.NftRenderer;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The incremental compiler against the reference: after every step of a random edit sequence, its
 * state equals {@code Compiler.compile} of the same snapshot, its diff equals {@code
 * StateDiff.between} of consecutive full compiles, and both render to the same nft and iptables text.
 */
class IncrementalCompilerTest {
    private static final NodeConfig NODE = Fixtures.NODE;
    private static final int SERVICES = 10;
    private static final int STEPS = 400;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42})
    void equalsAFullCompileAfterRandomEdits(long seed) {
        Random rnd = new Random(seed);
        IncrementalCompiler inc = new IncrementalCompiler(NODE);
        Snapshot snap = Snapshot.empty();
        CompiledState reference = Compiler.compile(snap, NODE);
        int nonEmpty = 0;
        for (int step = 0; step < STEPS; step++) {
            snap = edit(rnd, snap);
            IncrementalCompiler.Step s = inc.update(snap);
            CompiledState full = Compiler.compile(snap, NODE);
            StateDiff expected = StateDiff.between(reference, full);
            String at = "seed " + seed + " step " + step;
            assertEquals(full, s.after(), at + ": state");
            assertEquals(expected, s.diff(), at + ": diff");
            assertEquals(NftRenderer.incremental(expected), NftRenderer.incremental(s.diff()), at + ": nft delta");
            for (Family f : Family.values()) {
                assertEquals(IptablesRenderer.partial(expected, full, f), IptablesRenderer.partial(s.diff(), s.after(), f),
                        at + ": iptables partial " + f);
            }
            assertEquals(full.ports().values().stream().mapToLong(r -> r.endpoints().size()).sum(), inc.endpointCount(),
                    at + ": endpoint count");
            nonEmpty += expected.isEmpty() ? 0 : 1;
            reference = full;
        }
        assertEquals(NftRenderer.full(reference), NftRenderer.full(inc.state()));
        assertTrue(nonEmpty > STEPS / 2, "the edits changed the rules in most steps: " + nonEmpty);
    }

    @Test
    void unchangedServicesKeepTheirUnitObjects() {
        Random rnd = new Random(7);
        Snapshot snap = Snapshot.empty();
        for (int i = 0; i < SERVICES; i++) {
            snap = snap.with(service(rnd, i)).withSlice(slice(rnd, i, 0));
        }
        IncrementalCompiler inc = new IncrementalCompiler(NODE);
        CompiledState a = inc.update(snap).after();
        ServiceRef moved = ref(3);
        IncrementalCompiler.Step s = inc.update(snap.withSlice(slice(new Random(99), 3, 0)));
        assertNotEquals(a, s.after());
        for (var e : a.ports().entrySet()) {
            if (!e.getValue().name().service().equals(moved)) {
                assertSame(e.getValue(), s.after().ports().get(e.getKey()), e.getKey());
            }
        }
        assertTrue(s.diff().added().isEmpty() && s.diff().removed().isEmpty());
        s.diff().changed().forEach(c -> assertEquals(moved, c.after().name().service()));
    }

    private static Snapshot edit(Random rnd, Snapshot s) {
        int i = rnd.nextInt(SERVICES);
        return switch (rnd.nextInt(10)) {
            case 0, 1, 2 -> s.with(service(rnd, i));
            case 3 -> s.without(ref(i));
            case 4, 5, 6 -> s.withSlice(slice(rnd, i, rnd.nextInt(2)));
            case 7 -> s.withoutSlice(ref(i), "s" + i + "-" + rnd.nextInt(2));
            case 8 -> rebuilt(s);
            default -> s.with(s.services().getOrDefault(ref(i), service(rnd, i)));
        };
    }

    /** The same content as new objects in new maps: nothing shared with {@code s}. */
    private static Snapshot rebuilt(Snapshot s) {
        List<Service> svcs = new ArrayList<>();
        s.services().values().forEach(v -> svcs.add(new Service(v.ref(), v.type(), v.clusterIPs(), v.ports(),
                v.externalIPs(), v.loadBalancerIPs(), v.loadBalancerSourceRanges(), v.affinity(),
                v.internalTrafficPolicy(), v.externalTrafficPolicy())));
        List<EndpointSlice> slices = new ArrayList<>();
        s.slices().values().forEach(l -> l.forEach(e -> slices.add(new EndpointSlice(e.name(), e.service(),
                e.addressType(), new ArrayList<>(e.endpoints()), e.ports()))));
        return Snapshot.of(svcs, slices);
    }

    private static ServiceRef ref(int i) {
        return new ServiceRef("ns", "svc" + i);
    }

    private static Service service(Random rnd, int i) {
        ServiceType type = ServiceType.values()[rnd.nextInt(ServiceType.values().length)];
        // A small address pool so that ClusterIPs are sometimes shared (reference counts).
        List<InetAddress> cips = new ArrayList<>(List.of(InetAddresses.parse("10.96.0." + (1 + rnd.nextInt(12)))));
        if (rnd.nextInt(4) == 0) {
            cips.add(InetAddresses.parse("fd00:96::" + (1 + rnd.nextInt(12))));
        }
        List<ServicePort> ports = new ArrayList<>();
        ports.add(new ServicePort("http", rnd.nextBoolean() ? Protocol.TCP : Protocol.UDP, 80,
                TargetPort.of(8080), type == ServiceType.ClusterIP ? 0 : 30000 + i));
        if (rnd.nextBoolean()) {
            ports.add(new ServicePort("dns", Protocol.UDP, 53, TargetPort.named("dns"),
                    type == ServiceType.ClusterIP ? 0 : 31000 + i));
        }
        List<InetAddress> ext = rnd.nextInt(4) == 0 ? List.of(InetAddresses.parse("203.0.113." + (1 + i))) : List.of();
        List<InetAddress> lb = type == ServiceType.LoadBalancer ? List.of(InetAddresses.parse("198.51.100." + (1 + i)))
                : List.of();
        List<IpPrefix> ranges = rnd.nextInt(3) == 0 ? List.of(IpPrefix.parse("192.0.2.0/24")) : List.of();
        SessionAffinity aff = rnd.nextInt(3) == 0 ? new SessionAffinity(rnd.nextBoolean() ? 10800 : 60) : SessionAffinity.NONE;
        return new Service(ref(i), type, cips, ports, ext, lb, ranges, aff, policy(rnd), policy(rnd));
    }

    private static TrafficPolicy policy(Random rnd) {
        return rnd.nextInt(4) == 0 ? TrafficPolicy.Local : TrafficPolicy.Cluster;
    }

    private static EndpointSlice slice(Random rnd, int i, int k) {
        boolean v6 = rnd.nextInt(4) == 0;
        List<Endpoint> eps = new ArrayList<>();
        int n = rnd.nextInt(4);
        for (int e = 0; e < n; e++) {
            // A small pool: endpoints are shared between services (hairpin reference counts).
            String a = v6 ? "fd00:244::" + (1 + rnd.nextInt(8)) : "10.244.1." + (1 + rnd.nextInt(8));
            EndpointConditions c = rnd.nextInt(5) == 0 ? new EndpointConditions(false, true, true) : EndpointConditions.READY;
            eps.add(new Endpoint(List.of(InetAddresses.parse(a)), c, rnd.nextBoolean() ? "node-a" : "node-b", null));
        }
        return new EndpointSlice("s" + i + "-" + k, ref(i), v6 ? AddressType.IPv6 : AddressType.IPv4, eps,
                List.of(new EndpointPort("http", Protocol.TCP, 8080), new EndpointPort("http", Protocol.UDP, 8080),
                        new EndpointPort("dns", Protocol.UDP, 5353)));
    }
}
