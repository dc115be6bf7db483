package dev.keelson.bench.api;

import java.util.List;

/**
 * How much {@code keelson bench api} does. Each measured phase runs {@code rounds} times per
 * contender, the contenders taking turns.
 *
 * @param rounds        measured rounds per phase
 * @param warmup        untimed creates, gets and watched creates per contender first (the JIT)
 * @param serialCreates creates one after another per round (one client)
 * @param clients       the numbers of clients in flight for the throughput phases
 * @param parallelCreates creates per round per throughput phase
 * @param gets          gets per round
 * @param listPods      pods in the listed namespace
 * @param lists         lists per round
 * @param watched       creates per round whose watch event is timed
 */
record ApiPlan(int rounds, int warmup, int serialCreates, List<Integer> clients, int parallelCreates, int gets,
               int listPods, int lists, int watched) {

    static ApiPlan of(boolean quick) {
        return quick
                ? new ApiPlan(2, 1_000, 300, List.of(16, 64), 2_000, 500, 5_000, 4, 300)
                : new ApiPlan(5, 4_000, 1_000, List.of(16, 64), 6_000, 2_000, 5_000, 10, 1_000);
    }
}
