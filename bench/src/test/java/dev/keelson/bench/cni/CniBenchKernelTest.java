package dev.keelson.bench.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.bench.BenchOptions;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.testing.KernelTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A miniature CNI run against the real kernel and the real reference plugins, in the test JVM's
 * private namespaces: every scenario has positive numbers, and afterwards no namespace, link,
 * directory or process of the run is left.
 */
@KernelTest
class CniBenchKernelTest {
    private static final Path ROOT = Path.of("/run/keelson/bench-cni-test");

    @Test
    void aSmallRunMeasuresEveryScenarioAndLeavesNothingBehind() throws Exception {
        assertFalse(Files.exists(ROOT));
        Set<String> linksBefore = CniBench.ownLinks();
        List<String> netnsBefore = NetnsDirectory.system().list();
        CniPlan tiny = new CniPlan(2, 2, 4, 4, 2, 2, 1);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        BenchReport r = new CniBench(ROOT, tiny).run(new BenchOptions(true, null, false),
                new PrintStream(progress, true, StandardCharsets.UTF_8));

        for (String scenario : List.of("bridge", "macvlan")) {
            for (String phase : List.of("seq", "par")) {
                String at = " (" + phase + ")";
                for (String name : List.of(" ADD in-process", " DEL in-process vs floor")) {
                    Figure f = r.figure(scenario + name + at).orElseThrow(() -> new AssertionError(scenario + name + at));
                    assertTrue(f.keelson() > 0 && f.peer() > 0, f.toString());
                    assertEquals("kernel floor (C)", f.peerName());
                }
                assertTrue(Double.isFinite(r.figure(scenario + " ADD in-process above floor" + at).orElseThrow().keelson()));
            }
        }
        for (String name : List.of("bridge ADD exec'd (seq)", "bridge DEL exec'd (seq)", "bridge ADD exec'd (par)",
                "bridge DEL exec'd (par)", "bridge DEL exec'd vs floor (seq)", "macvlan ADD exec'd (seq)",
                "macvlan DEL exec'd (par)")) {
            Figure f = r.figure(name).orElseThrow(() -> new AssertionError(name));
            assertTrue(f.keelson() > 0, f.toString());
            assertNotNull(f.peer(), f.toString());
            assertTrue(f.peer() > 0, f.toString());
        }
        // Differences of two medians of two calls each: only their presence is certain, not their sign.
        for (String name : List.of("ipMasq extra ADD exec'd (seq)", "ipMasq extra DEL exec'd (par)")) {
            Figure masq = r.figure(name).orElseThrow(() -> new AssertionError(name));
            assertTrue(Double.isFinite(masq.keelson()) && Double.isFinite(masq.peer()), masq.toString());
        }
        assertTrue(Double.isFinite(r.figure("ipMasq extra ADD in-process (seq)").orElseThrow().keelson()));
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("bridge ipMasq reference (exec'd)") && !n.contains("NaN")),
                r.notes().toString());
        // the spawner's floor is there, and below every exec'd plugin call (each is a spawn and more)
        for (String phase : List.of("seq", "par")) {
            double spawn = r.figure(CniReport.SPAWN_FIGURE + " (" + phase + ")").orElseThrow().keelson();
            assertTrue(spawn > 0, phase);
            Figure ref = r.figure("bridge ADD exec'd (" + phase + ")").orElseThrow();
            assertTrue(spawn < ref.peer() && spawn < ref.keelson(), spawn + " vs " + ref);
        }
        assertTrue(r.figures().stream().noneMatch(f -> f.name().contains("JVM")), "no JVM-spawned figure");
        assertTrue(r.notes().stream().noneMatch(n -> n.contains("not measured")), r.notes().toString());
        assertFalse(r.targets().isEmpty());
        // every contender row of the notes table has numbers in all four columns
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("bridge reference (exec'd)") && !n.contains("NaN")), r.notes().toString());
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("par round 1/1"));

        // ROOT did not exist before: the run made it for its own directory and removed both.
        assertFalse(Files.exists(ROOT), ROOT + " is left");
        assertEquals(linksBefore, CniBench.ownLinks(), "links of the test's own namespace");
        assertEquals(netnsBefore, NetnsDirectory.system().list());
        assertEquals(List.of(), ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList(),
                "child processes still running (the daemon?)");
    }
}
