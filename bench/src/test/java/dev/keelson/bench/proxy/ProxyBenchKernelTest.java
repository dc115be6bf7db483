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
            () -> new Contender.Keelson("iptables"), Contender.KubeIptables::new);

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void contenderLoadsChangesAndCarriesTraffic(int which) throws Exception {
        Workload w = Workload.of(50);
        try (Contender c = ALL.get(which).get();
             ProxyLab lab = new ProxyLab("pbt" + which, BenchPrograms.floorProgram(ProxyBench.CONN_RATE))) {
            c.open(lab.node);
            c.full(w, Duration.ofSeconds(30));
            ProxyLab.ConnRate first = lab.connRate(BenchPrograms.floorProgram(ProxyBench.CONN_RATE), w.first().vip(), 200, 10);
            ProxyLab.ConnRate last = lab.connRate(BenchPrograms.floorProgram(ProxyBench.CONN_RATE), w.last().vip(), 200, 10);
            assertTrue(first.perSecond() > 0 && last.perSecond() > 0, first + " " + last);
            Workload moved = w.withOneEndpointMoved();
            c.change(w, moved);
            c.change(moved, w);
            c.change(w, w.withOneMoreService());
            String rules = c.form.equals("nft")
                    ? Command.ok("ip", "netns", "exec", lab.node.name(), "nft", "list", "ruleset")
                    : Command.ok("ip", "netns", "exec", lab.node.name(), "iptables-save", "-t", "nat");
            String newVip = Workload.vip(50);
            assertTrue(rules.contains(newVip), "the added service is in the kernel: " + newVip);
            assertEquals(-1, rules.indexOf("10.250.0.6"), "the moved endpoint was moved back");
        }
    }
}
