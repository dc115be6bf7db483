package dev.keelson.bench.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A miniature netns run against the real kernel, in the test JVM's private namespaces: every
 * contender produces figures, and nothing stays pinned afterwards.
 */
@KernelTest
class NetnsBenchKernelTest {
    private static final Path ROOT = Path.of("/run/keelson/bench-netns-test");

    @Test
    void aSmallRunMeasuresEveryContenderAndLeavesNoPinBehind() throws Exception {
        Plan tiny = new Plan(4, 2, 3, 1, 1, 2, 1, 3, 0);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        BenchReport r = new NetnsBench(ROOT, tiny).run(new BenchOptions(true, null, false),
                new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertEquals(List.of("create", "create vs ip netns add", "delete", "delete vs ip netns del", "pool take"),
                r.figures().stream().map(Figure::name).toList());
        for (Figure f : r.figures()) {
            assertTrue(f.keelson() > 0, f.toString());
            if (!f.name().equals("pool take")) {
                assertNotNull(f.peer(), f.toString());
                assertTrue(f.peer() > 0, f.toString());
            }
        }
        assertEquals("kernel floor (C)", r.figure("create").orElseThrow().peerName());
        assertEquals(2, r.targets().size());
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("round 2/2"));

        assertEquals(List.of(), NetnsDirectory.of(ROOT).list(), "pins left in " + ROOT);
        assertEquals(List.of(), NetnsDirectory.system().list().stream().filter(n -> n.startsWith("keelson-bench-")).toList(),
                "pins left in /run/netns");
    }
}
