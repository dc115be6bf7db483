package dev.keelson.bench.scheduler;

import dev.keelson.bench.BenchArea;
import dev.keelson.bench.BenchOptions;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.Progress;
import dev.keelson.bench.Target;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code keelson bench scheduler}: the scheduler's throughput and per-pod latency on simulated
 * clusters (Node objects, no kubelets) through the real API server on SQLite, and the scheduling
 * algorithm alone. There is no peer to run on this machine: kube-scheduler's scheduler_perf CI
 * threshold for 5,000 nodes × 10,000 pods (≈ 680 pods/s) is the published anchor.
 */
public final class SchedulerBench implements BenchArea {
    static final String PEER = "kube-scheduler scheduler_perf threshold (published)";
    static final double PEER_PODS_PER_SECOND = 680;
    static final int PEER_NODES = 5_000;
    static final double TARGET_PODS_PER_SECOND = 1_000;

    @Override
    public String name() {
        return "scheduler";
    }

    @Override
    public String description() {
        return "scheduler throughput and pod latency on 1,000/5,000 simulated nodes with 10,000 pods via the API; algorithm alone";
    }

    @Override
    public BenchReport run(BenchOptions options, PrintStream progress) throws Exception {
        SchedulerPlan plan = SchedulerPlan.of(options.quick());
        SchedulerRun run = new SchedulerRun(plan, Progress.on(progress));
        run.measure();
        return report(run.results(), plan);
    }

    static BenchReport report(List<SizeResult> results, SchedulerPlan plan) {
        List<Figure> figures = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        for (SizeResult r : results) {
            String size = r.nodes + " nodes, " + r.pods + " pods";
            Figure rate = r.nodes == PEER_NODES && r.pods == 10_000
                    ? new Figure("pods/s, " + size, r.podsPerSecond, PEER_PODS_PER_SECOND, PEER, "pods/s")
                    : Figure.alone("pods/s, " + size, r.podsPerSecond, "pods/s");
            figures.add(rate);
            figures.add(Figure.alone("pod latency p50, " + r.nodes + " nodes", r.latency.percentileNanos(50) / 1e6, "ms"));
            figures.add(Figure.alone("pod latency p99, " + r.nodes + " nodes", r.latency.percentileNanos(99) / 1e6, "ms"));
            figures.add(Figure.alone("cache sync at start, " + size, r.syncMillis, "ms"));
            figures.add(Figure.alone("pods/s, " + size + ", algorithm alone", r.algorithmRate(), "pods/s"));
        }
        SizeResult largest = results.getLast();
        targets.add(new Target("≥ " + (int) TARGET_PODS_PER_SECOND + " pods/s with the default plugins (" + largest.nodes
                + " nodes, 2 cores)", String.format(Locale.ROOT, "%.0f pods/s", largest.podsPerSecond),
                largest.podsPerSecond >= TARGET_PODS_PER_SECOND));
        List<String> notes = List.of(
                "API figures: the API server (SQLite store), the scheduler and the benchmark's client share one JVM and the"
                        + " machine's cores; the scheduler talks to the server over HTTPS/HTTP2 like a separate process",
                "pods/s: " + plan.pods() + " pending pods created before the scheduler starts (default profile,"
                        + " LeastAllocated, an Event per binding), timed from its caches being synced to the last bind"
                        + " seen on a watch; the sync itself is the 'cache sync' row",
                "pod latency: " + plan.pacedPods() + " more pods created at " + plan.pacedRate() + "/s while the scheduler"
                        + " runs, from each create's response to its bind arriving on the watch",
                "algorithm alone: the same nodes and pods in a Snapshot, Algorithm.schedule + assume per pod, median of "
                        + plan.algorithmRounds() + " rounds",
                "peer: kube-scheduler's scheduler_perf CI threshold for 5,000 nodes × 10,000 pods (published, not run here:"
                        + " no kube-scheduler on this machine); for pods/s a ratio above 1 is better");
        return new BenchReport("scheduler", figures, targets, notes);
    }
}
