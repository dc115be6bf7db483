package dev.keelson.bench.scheduler;

import dev.keelson.bench.Samples;
import java.util.ArrayList;
import java.util.List;

/** What one cluster size measured. */
final class SizeResult {
    final int nodes;
    final int pods;
    /** Pending pods bound per second, from the scheduler's caches being synced to the last bind seen. */
    double podsPerSecond = Double.NaN;
    /** From {@code Scheduler.start} to its caches holding every node and pending pod. */
    double syncMillis = Double.NaN;
    /** Per paced pod: its create's response → its bind seen on the watch. */
    final Samples latency = new Samples();
    /** Pods per second of each round of the algorithm alone. */
    final List<Double> algorithmRates = new ArrayList<>();

    SizeResult(int nodes, int pods) {
        this.nodes = nodes;
        this.pods = pods;
    }

    double algorithmRate() {
        return Samples.median(algorithmRates.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
