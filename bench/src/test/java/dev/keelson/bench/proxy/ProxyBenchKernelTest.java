package dev.keelson.bench.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.bench.BenchPrograms;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every contender, on a small workload, loads, changes and carries real connections to the first
 * and last service in a {@link ProxyLab}, in the test JVM's private namespaces.
 */
@KernelTest
class ProxyBenchKernelTest {
    private static final List<Supplier<Contender>> ALL = List.of(() -> new Contender.Keelson("nft"), Contender.KubeNft::new,
            () -> new Contender.Keelson("iptables"), Contender.KubeIptables::new, () -> new Contender.Keelson("iptables-legacy"));

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void contenderLoadsChangesAndCarriesTraffic(int which) throws Exception {
        Workload w = Workload.of(50);
        try (Contender c = ALL.get(which).get();
             ProxyLab lab = new ProxyLab("pbt" + which, BenchPrograms.floorProgram(ProxyBench.CONN_RATE))) {
            c.open(lab.node);
            c.full(w, Duration.ofSeconds(30));
            ProxyLab.ConnRate first = lab.connRate(BenchPrograms.floorProgram(ProxyBench.CONN_RATE), w.first().vip(), 200, 10);
            ProxyLab.ConnRate last = lab.connRate(BenchPrograms.floorProgram(ProxyBench.CONN_RATE), w.last().vip(), 200, 10);
            assertTrue(first.perSecond() > 0 && last.perSecond() > 0, first + " " + last);
            if (c instanceof Contender.Keelson k) {
                assertTrue(k.lastCompileNanos > 0 && k.lastApplyNanos > 0, "compile and apply are timed apart");
            }
            Workload moved = w.withOneEndpointMoved();
            c.change(w, moved);
            c.change(moved, w);
            Workload withNodePort = w.withOneMoreNodePortService();
            c.change(w, withNodePort);
            String added = rules(c, lab);
            assertTrue(added.contains(Workload.vip(55)), "the added NodePort service is in the kernel");
            assertTrue(added.contains(String.valueOf(withNodePort.last().nodePort())), "and its node port");
            c.change(withNodePort, w);
            c.change(w, w.withOneMoreService());
            String rules = rules(c, lab);
            String newVip = Workload.vip(50);
            assertTrue(rules.contains(newVip), "the added service is in the kernel: " + newVip);
            assertEquals(-1, rules.indexOf(Workload.vip(55)), "the NodePort service was removed again");
            assertEquals(-1, rules.indexOf(String.valueOf(withNodePort.last().nodePort())), "with its node port");
            assertEquals(-1, rules.indexOf("10.250.0.6"), "the moved endpoint was moved back");
            assertTrue(rules.contains(String.valueOf(w.services().get(45).nodePort())), "an existing node port stays");
        }
    }

    private static String rules(Contender c, ProxyLab lab) {
        return switch (c.form) {
            case "nft" -> Command.ok("ip", "netns", "exec", lab.node.name(), "nft", "list", "ruleset");
            case "iptables" -> Command.ok("ip", "netns", "exec", lab.node.name(), "iptables-nft-save", "-t", "nat");
            default -> Command.ok("ip", "netns", "exec", lab.node.name(), "iptables-legacy-save", "-t", "nat");
        };
    }
}
