package dev.keelson.bench.store;

import dev.keelson.bench.BenchArea;
import dev.keelson.bench.BenchOptions;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.Progress;
import dev.keelson.bench.Target;
import dev.keelson.control.store.etcd.EtcdStore;
import dev.keelson.control.store.etcd.LocalEtcd;
import dev.keelson.control.store.sqlite.SqliteOptions;
import dev.keelson.control.store.sqlite.SqliteStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code keelson bench store}: the embedded SQLite store against etcd (a single member this
 * benchmark starts on loopback, its data on the same disk, driven through jetcd), with the same
 * Store calls and 1 KiB values: one writer's put latency and rate, the rate with 64 writers in
 * flight, get latency, and a list of 5,000 keys. The embedded store runs twice: with its default
 * {@code synchronous=NORMAL} and with {@code FULL}, which fsyncs every commit as etcd does.
 */
public final class StoreBench implements BenchArea {
    static final String PEER = "etcd (jetcd)";
    private static final String KEELSON = "keelson";
    private static final String FULL = "keelson sync=FULL";

    @Override
    public String name() {
        return "store";
    }

    @Override
    public String description() {
        return "embedded SQLite store vs etcd: put latency and rate (1 and 64 writers), get, list of 5,000 keys";
    }

    @Override
    public BenchReport run(BenchOptions options, PrintStream progress) throws Exception {
        StorePlan plan = StorePlan.of(options.quick());
        Path dir = Files.createTempDirectory("keelson-bench-store-");
        progress.println("store: starting etcd (" + LocalEtcd.binary().map(Path::toString).orElse("not installed") + ")");
        try (LocalEtcd etcd = LocalEtcd.start();
                EtcdStore e = EtcdStore.connect(etcd.endpoint());
                SqliteStore k = SqliteStore.open(dir.resolve("normal.db"));
                SqliteStore f = SqliteStore.open(dir.resolve("full.db"), SqliteOptions.defaults().withSync(SqliteOptions.Sync.FULL))) {
            List<StoreWorkload.Contender> all = List.of(
                    new StoreWorkload.Contender(KEELSON, k), new StoreWorkload.Contender(FULL, f), new StoreWorkload.Contender(PEER, e));
            StoreRun run = new StoreRun(plan, all, Progress.on(progress));
            run.measure();
            return report(run, plan);
        } finally {
            deleteTree(dir);
        }
    }

    static BenchReport report(StoreRun run, StorePlan plan) {
        Tally k = run.tally(KEELSON);
        Tally f = run.tally(FULL);
        Tally e = run.tally(PEER);
        int w = plan.writers();
        List<Figure> figures = List.of(
                new Figure("put p50, 1 writer", k.serialLatency.medianMillis(), e.serialLatency.medianMillis(), PEER, "ms"),
                new Figure("put p50, 1 writer, sync=FULL", f.serialLatency.medianMillis(), e.serialLatency.medianMillis(), PEER, "ms"),
                new Figure("puts/s, 1 writer", Tally.median(k.serialOps), Tally.median(e.serialOps), PEER, "ops/s"),
                new Figure("puts/s, " + w + " writers", Tally.median(k.parallelOps), Tally.median(e.parallelOps), PEER, "ops/s"),
                new Figure("puts/s, " + w + " writers, sync=FULL", Tally.median(f.parallelOps), Tally.median(e.parallelOps), PEER, "ops/s"),
                new Figure("get p50", k.getLatency.medianMillis(), e.getLatency.medianMillis(), PEER, "ms"),
                new Figure("list " + plan.listKeys() + " keys", k.listLatency.medianMillis(), e.listLatency.medianMillis(), PEER, "ms"));
        List<Target> targets = List.of(
                atLeastPeer(figures.get(3), "puts/s with " + w + " writers ≥ etcd's"),
                atLeastPeer(figures.get(4), "puts/s with " + w + " writers, fsync per commit (sync=FULL) ≥ etcd's"));
        List<String> notes = new ArrayList<>();
        notes.add("for ops/s figures a ratio above 1 is better; values are 1 KiB; puts are guarded creates of new keys");
        notes.add(plan.rounds() + " rounds per phase, contenders taking turns; per round: " + plan.serialPuts()
                + " serial puts, " + plan.parallelPuts() + " puts by " + w + " writers, " + plan.gets() + " gets, "
                + plan.lists() + " lists");
        notes.add("etcd: a single member started by the benchmark on loopback, data dir on the same disk as the SQLite file");
        return new BenchReport("store", figures, targets, notes);
    }

    private static Target atLeastPeer(Figure f, String goal) {
        Double r = f.ratio();
        if (r == null) {
            return new Target(goal, "not measured", false);
        }
        return new Target(goal, String.format(Locale.ROOT, "%.2f×", r), r >= 1.0);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
