package dev.keelson.bench.api;

import dev.keelson.bench.BenchArea;
import dev.keelson.bench.BenchOptions;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.Progress;
import dev.keelson.bench.Samples;
import dev.keelson.bench.Target;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.api.ApiServerConfig;
import dev.keelson.control.store.etcd.EtcdStore;
import dev.keelson.control.store.etcd.LocalEtcd;
import dev.keelson.control.store.sqlite.SqliteStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code keelson bench api}: the API server on the embedded SQLite store, in this JVM, driven over
 * HTTPS and HTTP/2 — pod create latency and rate with 1, 16 and 64 clients in flight, get, a LIST
 * of 5,000 pods, and watch delivery — with etcd's raw key-value API (a member this benchmark starts
 * on loopback, through jetcd) doing the same operations on the same bytes as the peer: what any
 * API server on etcd pays before its own work.
 */
public final class ApiBench implements BenchArea {
    static final String KEELSON = "keelson API (SQLite)";
    static final String PEER = "etcd 3.4 (raw KV)";

    @Override
    public String name() {
        return "api";
    }

    @Override
    public String description() {
        return "API server on SQLite over HTTPS/h2: pod create (1/16/64 clients), get, LIST of 5,000 pods, watch delivery; vs etcd raw KV";
    }

    @Override
    public BenchReport run(BenchOptions options, PrintStream progress) throws Exception {
        ApiPlan plan = ApiPlan.of(options.quick());
        Path dir = Files.createTempDirectory("keelson-bench-api-");
        progress.println("api: starting etcd (" + LocalEtcd.binary().map(Path::toString).orElse("not installed")
                + ") and the API server");
        try (LocalEtcd etcd = LocalEtcd.start();
                EtcdStore e = EtcdStore.connect(etcd.endpoint());
                SqliteStore store = SqliteStore.open(dir.resolve("state.db"));
                ApiServer server = ApiServer.start(ApiServerConfig.of(dir.resolve("server"), store).withBind("127.0.0.1", 0))) {
            RestClient client = new RestClient(server.url(), server.pki().clientContext(), server.adminToken());
            ApiRun run = new ApiRun(plan, List.of(new ApiContender(KEELSON, client), new EtcdContender(PEER, e)),
                    Progress.on(progress));
            run.measure();
            return report(run, plan);
        } finally {
            dev.keelson.linux.FileTrees.delete(dir);
        }
    }

    static BenchReport report(ApiRun run, ApiPlan plan) {
        ApiTally k = run.tally(KEELSON);
        ApiTally e = run.tally(PEER);
        List<Figure> figures = new ArrayList<>();
        figures.add(ms("create p50, 1 client", k.serialLatency, e.serialLatency, 50));
        figures.add(ms("create p99, 1 client", k.serialLatency, e.serialLatency, 99));
        figures.add(new Figure("creates/s, 1 client", ApiTally.median(k.serialOps), ApiTally.median(e.serialOps), PEER, "ops/s"));
        for (int c : plan.clients()) {
            figures.add(new Figure("creates/s, " + c + " clients", ApiTally.median(k.ops(c)), ApiTally.median(e.ops(c)), PEER, "ops/s"));
            figures.add(ms("create p50, " + c + " clients", k.latency(c), e.latency(c), 50));
            figures.add(ms("create p99, " + c + " clients", k.latency(c), e.latency(c), 99));
        }
        figures.add(ms("get p50", k.getLatency, e.getLatency, 50));
        figures.add(ms("list " + plan.listPods() + " pods p50", k.listLatency, e.listLatency, 50));
        figures.add(ms("watch delivery p50", k.watchLatency, e.watchLatency, 50));
        figures.add(ms("watch delivery p99", k.watchLatency, e.watchLatency, 99));
        List<Target> targets = List.of(
                Target.valueAtMost(figures.get(0), 5.0, "API create p50 ≤ 5 ms"),
                Target.valueAtMost(figures.get(figures.size() - 1), 10.0, "watch delivery p99 ≤ 10 ms"),
                Target.valueAtMost(figures.get(figures.size() - 3), 150.0, "LIST of " + plan.listPods() + " pods ≤ 150 ms"));
        List<String> notes = List.of(
                "keelson: the API server in the benchmark's JVM on the embedded SQLite store (sync=NORMAL), requests over"
                        + " HTTPS + HTTP/2 on loopback with a bearer token, one connection shared by all clients",
                "peer: the same operations on etcd's key-value API through jetcd (no API server): /registry/pods/NS/NAME keys"
                        + " holding the pod JSON the API client sends; etcd is a single member on loopback, data on the same disk",
                "watch delivery: from just before the create is sent to the event's arrival on an already open watch;"
                        + " one create at a time",
                "list: the whole response read (keelson: JSON bytes, not parsed; etcd: jetcd's decoded key-values)",
                plan.rounds() + " rounds, contenders taking turns; per round " + plan.serialCreates() + " serial creates, "
                        + plan.parallelCreates() + " creates per client count, " + plan.watched() + " watched creates, "
                        + plan.gets() + " gets, " + plan.lists() + " lists; for ops/s a ratio above 1 is better");
        return new BenchReport("api", figures, targets, notes);
    }

    private static Figure ms(String name, Samples keelson, Samples peer, double percentile) {
        return new Figure(name, keelson.percentileNanos(percentile) / 1e6, peer.percentileNanos(percentile) / 1e6, PEER, "ms");
    }

}
