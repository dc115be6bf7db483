package dev.keelson.bench.cri;

/**
 * Sizes of one CRI benchmark run.
 *
 * @param rounds timed pod lifecycles per runtime, runtimes alternating with the order rotating
 * @param warmup untimed lifecycles per runtime first (JIT, page cache, first-use set-up)
 * @param pods running pods per runtime while the memory is read (30: the figure the issue names)
 */
record CriPlan(int rounds, int warmup, int pods) {
    static CriPlan of(boolean quick) {
        return quick ? new CriPlan(8, 3, 30) : new CriPlan(30, 5, 30);
    }
}
