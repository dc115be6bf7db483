package dev.keelson.bench.scheduler;

import java.util.List;

/**
 * How much {@code keelson bench scheduler} does.
 *
 * @param nodeCounts    cluster sizes, each in a fresh API server and store
 * @param pods          pending pods created before the scheduler starts, per cluster size
 * @param pacedPods     pods created at {@code pacedRate} while the scheduler runs, for the latency
 * @param pacedRate     creates per second in the latency phase
 * @param algorithmRounds rounds of the in-process algorithm alone (each on a fresh snapshot)
 */
record SchedulerPlan(List<Integer> nodeCounts, int pods, int pacedPods, int pacedRate, int algorithmRounds) {

    static SchedulerPlan of(boolean quick) {
        return quick
                ? new SchedulerPlan(List.of(200, 1_000), 2_000, 600, 200, 2)
                : new SchedulerPlan(List.of(1_000, 5_000), 10_000, 3_000, 200, 3);
    }
}
