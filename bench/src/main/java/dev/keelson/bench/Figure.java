package dev.keelson.bench;

import java.util.Objects;

/**
 * One measured figure of a benchmark report: Keelson's median and, where there is one, the median of
 * the peer (a reference tool or the kernel floor) measured in the same run.
 *
 * @param name     what is measured, e.g. {@code "create"}; the key in the JSON report
 * @param keelson  Keelson's median, in {@code unit}
 * @param peer     the peer's median in the same unit, or null when there is no peer
 * @param peerName what the peer is, e.g. {@code "kernel floor (C)"}, or null without a peer
 * @param unit     the unit of both medians, e.g. {@code "ms"}, {@code "µs"}, {@code "B/op"}
 */
public record Figure(String name, double keelson, Double peer, String peerName, String unit) {
    public Figure {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
    }

    /** A figure without a peer. */
    public static Figure alone(String name, double keelson, String unit) {
        return new Figure(name, keelson, null, null, unit);
    }

    /** keelson / peer: below 1 means Keelson is faster (or smaller); null without a usable peer. */
    public Double ratio() {
        if (peer == null || peer == 0.0 || peer.isNaN()) {
            return null;
        }
        return keelson / peer;
    }
}
