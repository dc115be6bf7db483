package dev.keelson.control.controller;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Smooths an autoscaler's recommendations over time windows, per autoscaler. Scaling down uses
 * the highest recommendation of the scale-down window (300 s by default), so a short dip does not
 * remove pods that a moment later are needed again; scaling up uses the lowest of the scale-up
 * window (0 s by default: at once).
 */
public final class Stabilizer {
    private record Recommendation(Instant at, int replicas) {}

    private final Map<String, Deque<Recommendation>> history = new HashMap<>();

    /** Records {@code recommended} at {@code now} and returns the count to scale to. */
    public synchronized int apply(String key, int recommended, int current, Instant now, Duration upWindow, Duration downWindow) {
        Deque<Recommendation> h = history.computeIfAbsent(key, k -> new ArrayDeque<>());
        h.addLast(new Recommendation(now, recommended));
        Duration keep = upWindow.compareTo(downWindow) > 0 ? upWindow : downWindow;
        while (!h.isEmpty() && h.peekFirst().at().isBefore(now.minus(keep))) {
            h.removeFirst();
        }
        int up = recommended;
        int down = recommended;
        for (Recommendation r : h) {
            if (!r.at().isBefore(now.minus(upWindow))) {
                up = Math.min(up, r.replicas());
            }
            if (!r.at().isBefore(now.minus(downWindow))) {
                down = Math.max(down, r.replicas());
            }
        }
        int result = current;
        if (up > current) {
            result = up;
        }
        if (down < current) {
            result = down;
        }
        return result;
    }

    public synchronized void forget(String key) {
        history.remove(key);
    }
}
