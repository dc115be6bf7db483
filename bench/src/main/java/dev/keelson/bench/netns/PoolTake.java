package dev.keelson.bench.netns;

import dev.keelson.bench.Progress;
import dev.keelson.bench.Samples;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.netns.NetnsPool;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Times {@link NetnsPool#take()} from a full pool: what a pod sandbox pays when the pool keeps up.
 * The taken namespace is deleted, and the pool refilled, outside the timed region.
 */
final class PoolTake {
    private static final long FILL_TIMEOUT_SECONDS = 30;

    private final NetnsDirectory dir;
    private final String prefix;
    private final Plan plan;
    private final Leftovers left;

    PoolTake(NetnsDirectory dir, String prefix, Plan plan, Leftovers left) {
        this.dir = dir;
        this.prefix = prefix;
        this.plan = plan;
        this.left = left;
    }

    Samples run(PrintStream progress) throws Exception {
        Progress line = Progress.on(progress);
        Samples samples = new Samples();
        Samples ignored = new Samples();
        int total = plan.poolWarmup() + plan.poolTakes();
        try (NetnsPool pool = new NetnsPool(dir, prefix, plan.poolSize())) {
            left.pool(pool);
            pool.start();
            for (int i = 0; i < total; i++) {
                if (!pool.awaitFull(FILL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the namespace pool in " + dir.root() + " did not refill within "
                            + FILL_TIMEOUT_SECONDS + " s (" + pool.available() + " of " + pool.size() + " ready)");
                }
                Samples into = i < plan.poolWarmup() ? ignored : samples;
                left.guarded(() -> {
                    long t0 = System.nanoTime();
                    NetNamespace ns = pool.take();
                    long t1 = System.nanoTime();
                    into.add(t1 - t0);
                    ns.delete();
                });
                if (i % 10 == 9 || i == total - 1) {
                    line.update("netns: pool take " + (i + 1) + "/" + total + (i < plan.poolWarmup() ? " (warm-up)" : ""));
                }
            }
            line.end();
        } finally {
            left.pool(null);
        }
        return samples;
    }
}
