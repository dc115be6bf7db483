package dev.keelson.bench.proxy;

import java.time.Duration;
import java.util.List;

/**
 * How big a {@code keelson bench proxy} run is.
 *
 * @param sizes    numbers of services (× 5 endpoints) to measure
 * @param conns    measured connections per conn-rate run
 * @param warmup   unmeasured connections before them
 * @param repeats  round trips timed per kind of change (there and back: 2 changes each; the median is reported)
 * @param changeBudget after this long, a kind of change stops at the round trip in progress
 * @param cap      the longest a reference layout's full load may take before it is reported as "> cap"
 */
record ProxyPlan(List<Integer> sizes, int conns, int warmup, int repeats, Duration changeBudget, Duration cap) {

    static ProxyPlan of(boolean quick) {
        return quick
                ? new ProxyPlan(List.of(1_000, 5_000), 5_000, 500, 5, Duration.ofSeconds(10), Duration.ofSeconds(30))
                : new ProxyPlan(List.of(1_000, 10_000, 30_000), 10_000, 1_000, 10, Duration.ofSeconds(20), Duration.ofSeconds(120));
    }
}
