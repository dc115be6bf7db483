package dev.keelson.bench.api;

import dev.keelson.bench.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What one contender measured over all rounds. */
final class ApiTally {
    final Samples serialLatency = new Samples();
    final List<Double> serialOps = new ArrayList<>();
    /** Per number of clients: creates per second of each round, and every create's latency. */
    final Map<Integer, List<Double>> parallelOps = new TreeMap<>();
    final Map<Integer, Samples> parallelLatency = new TreeMap<>();
    final Samples getLatency = new Samples();
    final Samples listLatency = new Samples();
    final Samples watchLatency = new Samples();

    List<Double> ops(int clients) {
        return parallelOps.computeIfAbsent(clients, c -> new ArrayList<>());
    }

    Samples latency(int clients) {
        return parallelLatency.computeIfAbsent(clients, c -> new Samples());
    }

    static double median(List<Double> values) {
        return Samples.median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
