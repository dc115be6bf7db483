package dev.keelson.bench.store;

import dev.keelson.bench.Samples;
import java.util.ArrayList;
import java.util.List;

/** What one contender measured over all rounds. */
final class Tally {
    final Samples serialLatency = new Samples();
    final List<Double> serialOps = new ArrayList<>();
    final List<Double> parallelOps = new ArrayList<>();
    final Samples getLatency = new Samples();
    final Samples listLatency = new Samples();

    static double median(List<Double> values) {
        return Samples.median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
