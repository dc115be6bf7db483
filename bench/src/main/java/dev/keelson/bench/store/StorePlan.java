package dev.keelson.bench.store;

/**
 * How much {@code keelson bench store} does. Each measured phase runs {@code rounds} times per
 * contender, the contenders taking turns, so drift on a shared machine hits both alike.
 *
 * @param rounds      measured rounds per phase
 * @param warmup      untimed puts and gets per contender first (JIT, connections, page cache)
 * @param serialPuts  puts per round for the one-writer latency
 * @param writers     writers in flight for the throughput phase
 * @param parallelPuts puts per round for the throughput phase
 * @param gets        gets per round
 * @param listKeys    keys under the listed prefix
 * @param lists       lists per round
 */
record StorePlan(int rounds, int warmup, int serialPuts, int writers, int parallelPuts, int gets, int listKeys, int lists) {
    static final int VALUE_BYTES = 1024;

    static StorePlan of(boolean quick) {
        return quick
                ? new StorePlan(2, 300, 400, 64, 3_000, 1_000, 5_000, 4)
                : new StorePlan(5, 1_000, 3_000, 64, 20_000, 5_000, 5_000, 10);
    }
}
