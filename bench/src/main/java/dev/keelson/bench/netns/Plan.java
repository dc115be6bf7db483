package dev.keelson.bench.netns;

/**
 * How many iterations the netns benchmark makes.
 *
 * @param iterations    counted create/delete pairs per contender
 * @param batch         pairs per contender per round; contenders take turns round by round so that
 *                      machine noise (other load, the kernel's deferred namespace cleanup) falls on
 *                      all of them alike
 * @param keelsonWarmup uncounted Keelson pairs first: a node agent runs for days, so what counts is
 *                      the JIT-compiled steady state, and the FFM call path reaches it only after
 *                      thousands of calls (measured here: create 490 µs / delete 115 µs after 30
 *                      pairs, 320 / 23 µs after 5,000, 270 / 17 µs after 10,000). The same in
 *                      --quick: it costs ~4 s, and a shorter one would measure the JIT instead
 * @param ipWarmup      uncounted {@code ip} pairs first (page cache, the binary and libraries)
 * @param floorWarmup   uncounted pairs at the start of every C floor process
 * @param poolSize      namespaces the warm pool keeps ready
 * @param poolWarmup    uncounted pool takes first (the same JIT reason)
 * @param poolTakes     counted pool takes
 * @param pauseMicros   untimed pause before each counted create and each counted delete, the same
 *                      for every contender (see {@link Contender#run})
 */
record Plan(int iterations, int batch, int keelsonWarmup, int ipWarmup, int floorWarmup,
            int poolSize, int poolWarmup, int poolTakes, int pauseMicros) {

    static final Plan FULL = new Plan(1000, 5, 10000, 5, 3, 4, 2000, 1000, 1000);
    static final Plan QUICK = new Plan(200, 5, 10000, 3, 2, 4, 1000, 200, 1000);

    Plan {
        if (iterations < 1 || batch < 1 || poolTakes < 1 || poolSize < 1) {
            throw new IllegalArgumentException("iterations, batch, pool size and pool takes must be positive");
        }
        if (keelsonWarmup < 0 || ipWarmup < 0 || floorWarmup < 0 || poolWarmup < 0 || pauseMicros < 0) {
            throw new IllegalArgumentException("warm-up counts and the pause must not be negative");
        }
    }

    long pauseNanos() {
        return pauseMicros * 1000L;
    }

    static Plan of(boolean quick) {
        return quick ? QUICK : FULL;
    }

    /** Rounds needed for {@link #iterations} in batches of {@link #batch} (the last may be smaller). */
    int rounds() {
        return (iterations + batch - 1) / batch;
    }

    /** Pairs to run in round {@code r}. */
    int batchOf(int r) {
        return Math.min(batch, iterations - r * batch);
    }
}
