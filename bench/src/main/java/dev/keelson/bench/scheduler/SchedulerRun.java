package dev.keelson.bench.scheduler;

import dev.keelson.bench.Progress;
import dev.keelson.control.scheduler.Profile;
import dev.keelson.control.scheduler.Scheduler;
import dev.keelson.control.scheduler.plugins.NodeResourcesFit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of the scheduler benchmark. Per cluster size, in a fresh API server: N nodes, then the
 * pending pods, then the {@link Scheduler} (default profile, events on) is started and timed until
 * the watch has seen every pod bound; then more pods are created at a steady rate while it runs,
 * each one's latency taken from its create's response to its bind on the watch. Last, the
 * algorithm alone on the same sizes.
 */
final class SchedulerRun {
    private static final Duration BIND_TIMEOUT = Duration.ofMinutes(10);

    private final SchedulerPlan plan;
    private final Progress line;
    private final List<SizeResult> results = new ArrayList<>();

    SchedulerRun(SchedulerPlan plan, Progress line) {
        this.plan = plan;
        this.line = line;
    }

    List<SizeResult> results() {
        return results;
    }

    void measure() throws Exception {
        line.update("scheduler: warm-up (100 nodes, " + plan.pods() / 4 + " pods, untimed)");
        cluster(new SizeResult(100, plan.pods() / 4), plan.pacedPods() / 4);
        line.end();
        for (int n : plan.nodeCounts()) {
            SizeResult r = new SizeResult(n, plan.pods());
            cluster(r, plan.pacedPods());
            line.end();
            results.add(r);
        }
        for (SizeResult r : results) {
            AlgorithmAlone alone = new AlgorithmAlone(r.nodes, r.pods);
            line.update("scheduler: algorithm alone, " + r.nodes + " nodes: warm-up");
            alone.round();
            for (int i = 0; i < plan.algorithmRounds(); i++) {
                line.update("scheduler: algorithm alone, " + r.nodes + " nodes: round " + (i + 1) + "/" + plan.algorithmRounds());
                r.algorithmRates.add(alone.round());
            }
        }
        line.end();
    }

    private void cluster(SizeResult r, int paced) throws Exception {
        String size = "scheduler: " + r.nodes + " nodes: ";
        try (SimulatedCluster c = SimulatedCluster.start()) {
            line.update(size + "creating the nodes");
            c.createNodes(r.nodes);
            line.update(size + "creating " + r.pods + " pending pods");
            c.createPods("p", r.pods);
            try (BindWatch binds = BindWatch.open(c.client(), SimulatedCluster.NAMESPACE, c.podsResourceVersion())) {
                line.update(size + "starting the scheduler");
                long start = System.nanoTime();
                Scheduler s = new Scheduler(c.schedulerClient(), Profile.defaults(NodeResourcesFit.Strategy.LEAST_ALLOCATED), true);
                try {
                    s.start(Duration.ofMinutes(2));
                    long synced = System.nanoTime();
                    binds.awaitBound(r.pods, BIND_TIMEOUT, b -> line.update(size + b + "/" + r.pods + " bound"));
                    r.syncMillis = (synced - start) / 1e6;
                    r.podsPerSecond = r.pods / ((binds.lastBind() - synced) / 1e9);
                    paced(c, binds, r, paced, size);
                } finally {
                    s.close();
                }
            }
        }
    }

    /** Creates {@code n} pods at the plan's rate, each on its own virtual thread so a slow create does not delay the next. */
    private void paced(SimulatedCluster c, BindWatch binds, SizeResult r, int n, String size) throws InterruptedException {
        long[] created = new long[n];
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Thread> creators = new ArrayList<>(n);
        long interval = 1_000_000_000L / plan.pacedRate();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + i * interval;
            for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            int k = i;
            creators.add(Thread.ofVirtual().start(() -> {
                try {
                    c.createPod("q-" + k);
                    created[k] = System.nanoTime();
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }));
            if (i % 100 == 0) {
                line.update(size + "paced creates at " + plan.pacedRate() + "/s: " + i + "/" + n);
            }
        }
        for (Thread t : creators) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        binds.awaitBound(r.pods + n, BIND_TIMEOUT, b -> line.update(size + "paced: " + (b - r.pods) + "/" + n + " bound"));
        for (int i = 0; i < n; i++) {
            Long at = binds.boundAt("q-" + i);
            // The bind can reach the watch before the create's response reaches its client; that counts as 0.
            r.latency.add(Math.max(0, at - created[i]));
        }
    }
}
