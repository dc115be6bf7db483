package dev.keelson.bench.proxy;

import java.util.HashMap;
import java.util.Map;

/** The medians of one run, keyed by form ("nft"/"iptables"), side ("keelson"/"kube"), metric and N. */
final class Results {
    /** What a value means. */
    enum Kind { MEASURED, LOWER_BOUND }

    record Value(double value, Kind kind) {
    }

    private final Map<String, Value> values = new HashMap<>();

    private static String key(String form, String side, String metric, int n) {
        return form + "|" + side + "|" + metric + "|" + n;
    }

    void put(String form, String side, String metric, int n, double v) {
        values.put(key(form, side, metric, n), new Value(v, Kind.MEASURED));
    }

    void lowerBound(String form, String side, String metric, int n, double v) {
        values.put(key(form, side, metric, n), new Value(v, Kind.LOWER_BOUND));
    }

    /** The value, or null when it was not measured. */
    Value get(String form, String side, String metric, int n) {
        return values.get(key(form, side, metric, n));
    }
}
