package dev.keelson.bench.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerBenchTest {

    @Test
    void aMiniatureRunBindsEveryPodThroughTheApiAndTimesEachPacedOne() throws Exception {
        SchedulerPlan tiny = new SchedulerPlan(List.of(7), 40, 12, 100, 1);
        SchedulerRun run = new SchedulerRun(tiny, new Progress(new PrintStream(new ByteArrayOutputStream()), false));
        run.measure();
        SizeResult r = run.results().getFirst();
        assertEquals(7, r.nodes);
        assertTrue(r.podsPerSecond > 0 && Double.isFinite(r.podsPerSecond), "pods/s " + r.podsPerSecond);
        assertTrue(r.syncMillis > 0, "sync " + r.syncMillis);
        assertEquals(12, r.latency.count(), "every paced pod was seen bound");
        assertEquals(1, r.algorithmRates.size());
        BenchReport report = SchedulerBench.report(run.results(), tiny);
        assertNull(report.figure("pods/s, 7 nodes, 40 pods").orElseThrow().peer(), "the published anchor is for 5,000 nodes only");
    }

    @Test
    void thePublishedAnchorIsThePeerAt5000NodesAndTheTargetIs1000PodsPerSecond() {
        SchedulerPlan plan = SchedulerPlan.of(false);
        SizeResult small = result(1_000, 1_500);
        SizeResult large = result(5_000, 900);
        BenchReport r = SchedulerBench.report(List.of(small, large), plan);
        Figure f = r.figure("pods/s, 5000 nodes, 10000 pods").orElseThrow();
        assertEquals(680.0, f.peer());
        assertEquals(900.0 / 680.0, f.ratio(), 1e-9);
        assertFalse(r.targets().getFirst().met(), "900 pods/s at 5,000 nodes misses 1,000");
        BenchReport ok = SchedulerBench.report(List.of(small, result(5_000, 1_200)), plan);
        assertTrue(ok.targets().getFirst().met());
    }

    private static SizeResult result(int nodes, double rate) {
        SizeResult r = new SizeResult(nodes, 10_000);
        r.podsPerSecond = rate;
        r.syncMillis = 100;
        r.latency.add(2_000_000);
        r.algorithmRates.add(20_000.0);
        return r;
    }
}
