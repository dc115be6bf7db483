package dev.keelson.proxy.backend;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.LoadTimeProbe;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.StateDiff;
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
import dev.keelson.testing.KernelTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What one-service changes of every kind cost in a mostly-flat table with 10 % NodePort,
 * LoadBalancer (with source ranges) and ClientIP-affinity services. A probe run by hand (printed):
 * {@code -Dtest=MixedChangeProbe -Dprobe=true [-Dprobe.sizes=10000,30000] [-Dprobe.ipt=true]}.
 */
@KernelTest
@EnabledIfSystemProperty(named = "probe", matches = "true")
class MixedChangeProbe {
    /** The kinds of non-ClusterIP service measured. */
    enum Kind { NODE_PORT, LOAD_BALANCER, AFFINITY }

    @Test
    void nftChangesOfEveryKind() {
        try (NftBackend b = NftBackend.open()) {
            for (String size : System.getProperty("probe.sizes", "10000").split(",")) {
                measure(b, Integer.parseInt(size.strip()), 5);
            }
            b.flush();
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "probe.ipt", matches = "true")
    void iptablesChangesOfEveryKind() {
        for (IptablesMode mode : IptablesMode.values()) {
            IptablesBackend b = new IptablesBackend(mode, List.of(Family.V4));
            try {
                for (String size : System.getProperty("probe.sizes", "10000").split(",")) {
                    measure(b, Integer.parseInt(size.strip()), 1);
                }
            } finally {
                b.flush();
            }
        }
    }

    private static void measure(RuleBackend b, int n, int rounds) {
        // -Dprobe.plain=true: ClusterIP services only, apart from the one added (an iptables load of
        // 1,000 affinity services takes minutes: one recent list per KUBE-SEP chain).
        Snapshot s = Boolean.getBoolean("probe.plain") ? LoadTimeProbe.synthetic(n, 0) : mixed(n);
        CompiledState a = Compiler.compile(s, NftCostProbe.NODE);
        Applied full = b.full(a);
        System.out.printf("%s N=%d: full %.0f ms%n", b.name(), n, full.millis());
        measureEndpointChange(b, "flat ClusterIP", s, a, new ServiceRef("ns1", "svc1"), rounds);
        for (Kind k : Kind.values()) {
            Service extra = service(n + 1 + k.ordinal(), k);
            Snapshot more = Snapshot.of(append(s.services().values(), extra), append(allSlices(s), slice(n + 1 + k.ordinal())));
            CompiledState m = Compiler.compile(more, NftCostProbe.NODE);
            double[] add = new double[rounds];
            double[] remove = new double[rounds];
            int lines = 0;
            for (int i = 0; i < rounds; i++) {
                Applied ad = b.incremental(StateDiff.between(a, m), m);
                add[i] = ad.millis();
                lines = ad.lines();
                remove[i] = b.incremental(StateDiff.between(m, a), a).millis();
            }
            System.out.printf("%s N=%d %s: add %.2f ms (%d lines), remove %.2f ms%n", b.name(), n, k, median(add), lines,
                    median(remove));
            // mixed() makes service 10i of kind i % 3: 30 is a NodePort, 10 a LoadBalancer, 20 has affinity.
            measureEndpointChange(b, k.toString(), s, a, refOf(10 * (k.ordinal() == 0 ? 3 : k.ordinal())), rounds);
        }
    }

    private static void measureEndpointChange(RuleBackend b, String what, Snapshot s, CompiledState a, ServiceRef ref,
                                              int rounds) {
        CompiledState fewer = Compiler.compile(s.withSlices(ref, SyntheticEdits.oneEndpointFewer(s.slicesOf(ref))),
                NftCostProbe.NODE);
        double[] t = new double[rounds];
        int lines = 0;
        for (int i = 0; i < rounds; i++) {
            Applied ap = b.incremental(StateDiff.between(a, fewer), fewer);
            t[i] = ap.millis();
            lines = ap.lines();
            b.incremental(StateDiff.between(fewer, a), a);
        }
        System.out.printf("%s N=%d %s: one-endpoint change %.2f ms (%d lines)%n", b.name(), a.ports().size(), what,
                median(t), lines);
    }

    private static <T> List<T> append(java.util.Collection<T> list, T extra) {
        List<T> out = new ArrayList<>(list);
        out.add(extra);
        return out;
    }

    private static List<EndpointSlice> allSlices(Snapshot s) {
        return s.slices().values().stream().flatMap(List::stream).toList();
    }

    /** N services: every 10th is, in turn, a NodePort, a LoadBalancer with source ranges, or has affinity. */
    static Snapshot mixed(int n) {
        Snapshot flat = LoadTimeProbe.synthetic(n, 0);
        List<Service> services = new ArrayList<>();
        for (Service svc : flat.services().values()) {
            int i = Integer.parseInt(svc.ref().name().substring(3));
            services.add(i % 10 == 0 ? service(i, Kind.values()[i / 10 % 3]) : svc);
        }
        return Snapshot.of(services, allSlices(flat));
    }

    private static ServiceRef refOf(int i) {
        return new ServiceRef("ns" + i % 10, "svc" + i);
    }

    static Service service(int s, Kind k) {
        var ip = InetAddresses.parse("172.30." + (s / 250) + "." + (s % 250 + 1));
        int nodePort = k == Kind.AFFINITY ? 0 : 30000 + s % 30000;
        ServiceType type = switch (k) {
            case NODE_PORT -> ServiceType.NodePort;
            case LOAD_BALANCER -> ServiceType.LoadBalancer;
            case AFFINITY -> ServiceType.ClusterIP;
        };
        List<java.net.InetAddress> lb = k == Kind.LOAD_BALANCER
                ? List.of(InetAddresses.parse("203.0." + (s / 250 % 250) + "." + (s % 250 + 1))) : List.of();
        List<IpPrefix> ranges = k == Kind.LOAD_BALANCER
                ? List.of(IpPrefix.parse("198.51.100.0/24"), IpPrefix.parse("192.0.2.0/24")) : List.of();
        return new Service(refOf(s), type, List.of(ip),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), nodePort)), List.of(), lb, ranges,
                k == Kind.AFFINITY ? new SessionAffinity(10800) : SessionAffinity.NONE,
                TrafficPolicy.Cluster, TrafficPolicy.Cluster);
    }

    static EndpointSlice slice(int s) {
        List<Endpoint> eps = new ArrayList<>();
        for (int e = 0; e < 5; e++) {
            int i = s * 5 + e;
            eps.add(new Endpoint(List.of(InetAddresses.parse("10." + (100 + i / 62500) + "." + (i / 250 % 250) + "."
                    + (i % 250 + 1))), EndpointConditions.READY, "node-b", null));
        }
        ServiceRef ref = refOf(s);
        return new EndpointSlice(ref.name() + "-1", ref, AddressType.IPv4, eps,
                List.of(new EndpointPort("http", Protocol.TCP, 8080)));
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
