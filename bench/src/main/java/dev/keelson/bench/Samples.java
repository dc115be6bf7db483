package dev.keelson.bench;

import java.util.Arrays;

/**
 * Durations of one measured operation, in nanoseconds, kept in full (a few thousand longs at most)
 * so the median and percentiles are exact rather than estimated.
 */
public final class Samples {
    private long[] nanos = new long[64];
    private int count;

    /** Records one duration. */
    public void add(long durationNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = durationNanos;
    }

    public int count() {
        return count;
    }

    /** The median in nanoseconds; NaN when empty. */
    public double medianNanos() {
        return percentileNanos(50);
    }

    /** The median in milliseconds; NaN when empty. */
    public double medianMillis() {
        return medianNanos() / 1e6;
    }

    /** The median in microseconds; NaN when empty. */
    public double medianMicros() {
        return medianNanos() / 1e3;
    }

    /**
     * The {@code p}-th percentile (0–100) in nanoseconds, interpolating linearly between the two
     * nearest ranks (so the 50th of an even count is the mean of the middle two); NaN when empty.
     */
    public double percentileNanos(double p) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = nanos[i];
        }
        return percentile(v, p);
    }

    /** The median of {@code values}; NaN when empty. Does not modify the array. */
    public static double median(double[] values) {
        return percentile(values, 50);
    }

    /** The {@code p}-th percentile (0–100) of {@code values}, as {@link #percentileNanos}; NaN when empty. */
    public static double percentile(double[] values, double p) {
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be within 0..100, was " + p);
        }
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        double rank = p / 100.0 * (v.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return v[lo] + (v[hi] - v[lo]) * (rank - lo);
    }
}
