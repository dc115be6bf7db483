package dev.keelson.bench.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.bench.BenchAreas;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Progress;
import dev.keelson.bench.scheduler.SchedulerBench;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.api.ApiServerConfig;
import dev.keelson.control.store.sqlite.SqliteStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiBenchTest {
    @TempDir
    Path dir;

    @Test
    void theApiAndSchedulerAreasAreRegistered() {
        assertInstanceOf(ApiBench.class, BenchAreas.find("api").orElseThrow());
        assertInstanceOf(SchedulerBench.class, BenchAreas.find("scheduler").orElseThrow());
    }

    @Test
    void objectNameComesFromMetadataNotFromTheSpec() {
        String line = "{\"type\":\"ADDED\",\"object\":{\"spec\":{\"containers\":[{\"name\":\"app\"}]},\"metadata\":{"
                + "\"managedFields\":[{\"fieldsV1\":{\"k:{\\\"name\\\":\\\"x\\\"}\":{}}}],\"name\":\"pod-7\"}}}";
        assertEquals("pod-7", RestClient.objectName(line));
    }

    @Test
    void theWorkloadReallyCreatesGetsListsAndWatchesOnBothContenders() throws Exception {
        ApiPlan tiny = new ApiPlan(1, 8, 5, List.of(4), 12, 5, 20, 2, 5);
        try (SqliteStore apiStore = SqliteStore.open(dir.resolve("api.db"));
                SqliteStore peerStore = SqliteStore.open(dir.resolve("peer.db"));
                ApiServer server = ApiServer.start(ApiServerConfig.of(dir.resolve("server"), apiStore).withBind("127.0.0.1", 0))) {
            RestClient client = new RestClient(server.url(), server.pki().clientContext(), server.adminToken());
            ApiRun run = new ApiRun(tiny, List.of(new ApiContender(ApiBench.KEELSON, client),
                    new EtcdContender(ApiBench.PEER, peerStore)), quiet());
            run.measure();
            for (String name : List.of(ApiBench.KEELSON, ApiBench.PEER)) {
                ApiTally t = run.tally(name);
                assertEquals(5, t.serialLatency.count(), name);
                assertEquals(12, t.latency(4).count(), name);
                assertEquals(5, t.watchLatency.count(), name);
                assertEquals(5, t.getLatency.count(), name);
                assertEquals(2, t.listLatency.count(), name);
            }
            // warm-up 2 + 8 + 2 + 2, one round of 5 + 12 + 5, 20 to list: 56 pods each
            assertEquals(56, apiStore.count("/registry/core/pods/"));
            assertEquals(56, peerStore.count("/registry/pods/"));
            BenchReport report = ApiBench.report(run, tiny);
            assertEquals(ApiBench.PEER, report.figure("list 20 pods p50").orElseThrow().peerName());
        }
    }

    @Test
    void targetsAreJudgedOnKeelsonsOwnFigures() {
        ApiPlan plan = ApiPlan.of(true);
        ApiRun run = new ApiRun(plan, List.of(named(ApiBench.KEELSON), named(ApiBench.PEER)), quiet());
        fill(run.tally(ApiBench.KEELSON), plan, 2.0, 200.0, 4.0);
        fill(run.tally(ApiBench.PEER), plan, 1.0, 250.0, 1.0);
        BenchReport r = ApiBench.report(run, plan);
        assertTrue(r.targets().get(0).met(), "create p50 2 ms ≤ 5 ms");
        assertTrue(r.targets().get(1).met(), "watch p99 4 ms ≤ 10 ms");
        assertFalse(r.targets().get(2).met(), "LIST 200 ms > 150 ms, even though etcd is slower");
        assertEquals(2.0, r.figure("create p50, 1 client").orElseThrow().ratio(), 1e-9);
    }

    private static void fill(ApiTally t, ApiPlan plan, double createMs, double listMs, double watchMs) {
        for (int i = 0; i < 5; i++) {
            t.serialLatency.add((long) (createMs * 1e6));
            t.serialOps.add(1000 / createMs);
            for (int c : plan.clients()) {
                t.ops(c).add(1000.0);
                t.latency(c).add((long) (createMs * 1e6));
            }
            t.getLatency.add(500_000);
            t.listLatency.add((long) (listMs * 1e6));
            t.watchLatency.add((long) (watchMs * 1e6));
        }
    }

    private static Contender named(String name) {
        return new EtcdContender(name, null);
    }

    static Progress quiet() {
        return new Progress(new PrintStream(new ByteArrayOutputStream()), false);
    }
}
