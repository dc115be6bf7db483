package dev.keelson.bench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.bench.BenchAreas;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.Progress;
import dev.keelson.control.store.sqlite.SqliteStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreBenchTest {
    @TempDir
    Path dir;

    @Test
    void theStoreAreaIsRegistered() {
        assertInstanceOf(StoreBench.class, BenchAreas.find("store").orElseThrow());
    }

    @Test
    void theWorkloadReallyWritesReadsAndLists() throws Exception {
        StorePlan tiny = new StorePlan(1, 10, 20, 4, 40, 10, 50, 2);
        try (SqliteStore s = SqliteStore.open(dir.resolve("w.db"))) {
            StoreRun run = new StoreRun(tiny, List.of(new StoreWorkload.Contender("keelson", s)),
                    new Progress(new PrintStream(new ByteArrayOutputStream()), false));
            run.measure();
            Tally t = run.tally("keelson");
            assertEquals(20, t.serialLatency.count());
            assertEquals(10, t.getLatency.count());
            assertEquals(2, t.listLatency.count());
            // warm-up 10 + 10, one round of 20 serial and 40 parallel, 50 listed keys
            assertEquals(130, s.count("/bench/"));
        }
    }

    @Test
    void throughputTargetsAreMetOnlyAtOrAboveThePeer() {
        StorePlan plan = StorePlan.of(true);
        StoreRun run = new StoreRun(plan, List.of(
                new StoreWorkload.Contender("keelson", null), new StoreWorkload.Contender("keelson sync=FULL", null),
                new StoreWorkload.Contender(StoreBench.PEER, null)), new Progress(new PrintStream(new ByteArrayOutputStream()), false));
        fill(run.tally("keelson"), 2_000, 0.1);
        fill(run.tally("keelson sync=FULL"), 500, 0.5);
        fill(run.tally(StoreBench.PEER), 1_000, 1.0);
        BenchReport r = StoreBench.report(run, plan);
        Figure par = r.figure("puts/s, 64 writers").orElseThrow();
        assertEquals(2.0, par.ratio(), 1e-9);
        assertEquals(0.1, r.figure("put p50, 1 writer").orElseThrow().ratio(), 1e-9);
        assertTrue(r.targets().get(0).met());
        assertFalse(r.targets().get(1).met(), "500 ops/s with fsync is below etcd's 1,000");
    }

    private static void fill(Tally t, double ops, double ms) {
        for (int i = 0; i < 3; i++) {
            t.serialOps.add(ops);
            t.parallelOps.add(ops);
            t.serialLatency.add((long) (ms * 1e6));
            t.getLatency.add((long) (ms * 1e6));
            t.listLatency.add((long) (ms * 1e6));
        }
    }
}
