package dev.keelson.proxy.sync;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.LoadTimeProbe;
import dev.keelson.proxy.backend.Applied;
import dev.keelson.proxy.backend.IptablesBackend;
import dev.keelson.proxy.backend.IptablesMode;
import dev.keelson.proxy.backend.NftBackend;
import dev.keelson.proxy.backend.RuleBackend;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.model.Endpoint;
import dev.keelson.proxy.model.EndpointSlice;
import dev.keelson.proxy.model.Service;
import dev.keelson.proxy.model.ServicePort;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.model.ServiceType;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.testing.KernelTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * One-object changes end to end through {@link Proxier#syncNow} (incremental compile + diff +
 * backend apply) at N ClusterIP services × 5 endpoints, 10 % of them NodePort. A probe run by hand
 * (printed): {@code -Dtest=IncrementalSyncProbe -Dprobe=true [-Dprobe.sizes=1000,10000,30000]
 * [-Dprobe.ipt=true]}.
 */
@KernelTest
@EnabledIfSystemProperty(named = "probe", matches = "true")
class IncrementalSyncProbe {
    private static final NodeConfig NODE = new NodeConfig("node-a", List.of(InetAddresses.parse("192.168.1.10")),
            List.of(IpPrefix.parse("10.96.0.0/12")), List.of(IpPrefix.parse("172.30.0.0/16")), false);
    private static final int ROUNDS = 11;

    @Test
    void nft() {
        for (String size : System.getProperty("probe.sizes", "1000,10000,30000").split(",")) {
            measure(NftBackend::open, Integer.parseInt(size.strip()));
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "probe.ipt", matches = "true")
    void iptablesLegacy() {
        for (String size : System.getProperty("probe.sizes", "1000").split(",")) {
            measure(() -> new IptablesBackend(IptablesMode.LEGACY, List.of(Family.V4)), Integer.parseInt(size.strip()));
        }
    }

    private static void measure(Supplier<RuleBackend> open, int n) {
        Snapshot s = withNodePorts(LoadTimeProbe.synthetic(n, 0));
        Proxier p = new Proxier(open.get(), NODE, new Proxier.Options(Duration.ZERO, Duration.ZERO, false), null);
        try {
            p.update(s);
            long t0 = System.nanoTime();
            Applied full = p.syncNow();
            System.out.printf("%s N=%d: full sync %.0f ms (backend %.0f ms)%n", p.metrics().backend(), n,
                    (System.nanoTime() - t0) / 1e6, full.millis());
            Snapshot more = LoadTimeProbe.synthetic(n + 1, 0);
            ServiceRef extra = new ServiceRef("ns" + n % 10, "svc" + n);
            Service cip = more.services().get(extra);
            EndpointSlice cipSlice = more.slicesOf(extra).getFirst();
            Service np = nodePort(cip, 30000 + n / 10 + 1); // above every node port in use
            addRemove(p, "ClusterIP service add/remove", cip, cipSlice);
            addRemove(p, "NodePort service add/remove", np, cipSlice);
            ServiceRef mid = s.services().keySet().stream().skip(n / 2).findFirst().orElseThrow();
            EndpointSlice was = s.slicesOf(mid).getFirst();
            List<Endpoint> eps = new ArrayList<>(was.endpoints());
            Endpoint last = eps.getLast();
            eps.set(eps.size() - 1, new Endpoint(List.of(InetAddresses.parse("10.250.0.9")), last.conditions(),
                    last.nodeName(), last.zone()));
            EndpointSlice moved = new EndpointSlice(was.name(), was.service(), was.addressType(), eps, was.ports());
            double[][] m = new double[2][ROUNDS * 2];
            for (int i = 0; i < ROUNDS * 2; i++) {
                p.upsertSlice(i % 2 == 0 ? moved : was);
                record(p, m, i);
            }
            print(p, n, "one endpoint moved", m);
            p.flush();
        } finally {
            p.close();
        }
    }

    private static void addRemove(Proxier p, String what, Service svc, EndpointSlice slice) {
        double[][] m = new double[2][ROUNDS * 2];
        for (int i = 0; i < ROUNDS * 2; i++) {
            if (i % 2 == 0) {
                p.upsertService(svc);
                p.upsertSlice(slice);
            } else {
                p.removeService(svc.ref());
                p.removeSlice(svc.ref(), slice.name());
            }
            record(p, m, i);
        }
        print(p, p.desired().services().size(), what, m);
    }

    private static void record(Proxier p, double[][] m, int i) {
        long t0 = System.nanoTime();
        Applied a = p.syncNow();
        m[0][i] = (System.nanoTime() - t0) / 1e6;
        m[1][i] = a == null ? 0 : a.millis();
    }

    private static void print(Proxier p, int n, String what, double[][] m) {
        double e2e = median(m[0]);
        double apply = median(m[1]);
        System.out.printf("%s N=%d: %s: end to end %.2f ms, compile+diff %.2f ms, apply %.2f ms (max end to end %.2f)%n",
                p.metrics().backend(), n, what, e2e, e2e - apply, apply, Arrays.stream(m[0]).max().orElse(0));
    }

    private static double median(double[] xs) {
        double[] c = xs.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    static Snapshot withNodePorts(Snapshot s) {
        int i = 0;
        for (Service svc : List.copyOf(s.services().values())) {
            if (i % 10 == 5) {
                s = s.with(nodePort(svc, 30000 + i / 10));
            }
            i++;
        }
        return s;
    }

    private static Service nodePort(Service s, int port) {
        ServicePort p = s.ports().getFirst();
        return new Service(s.ref(), ServiceType.NodePort, s.clusterIPs(),
                List.of(new ServicePort(p.name(), p.protocol(), p.port(), p.targetPort(), port)), s.externalIPs(),
                s.loadBalancerIPs(), s.loadBalancerSourceRanges(), s.affinity(), s.internalTrafficPolicy(),
                s.externalTrafficPolicy());
    }
}
