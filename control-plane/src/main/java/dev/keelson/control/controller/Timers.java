package dev.keelson.control.controller;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Wake-ups for keys of a {@link WorkQueue}, at most one chain per key. Controllers ask for a
 * re-check on every pass (a deadline, a lease expiry, a sync period); without this, each event
 * would add a timer whose pass adds another, and the timers per key would grow without bound. A
 * request is dropped while an earlier wake-up for the key is pending.
 */
final class Timers {
    private final WorkQueue queue;
    private final Map<String, Long> due = new ConcurrentHashMap<>();

    Timers(WorkQueue queue) {
        this.queue = queue;
    }

    /** Queues {@code key} after {@code delayMs} unless a wake-up no later than that is already pending. */
    void wakeAfter(String key, long delayMs) {
        long now = System.nanoTime();
        long at = now + TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMs));
        boolean[] schedule = {false};
        due.compute(key, (k, prev) -> {
            if (prev == null || prev - now <= 0 || at - prev < 0) {
                schedule[0] = true;
                return at;
            }
            return prev;
        });
        if (schedule[0]) {
            queue.addAfter(key, delayMs);
        }
    }

    void forget(String key) {
        due.remove(key);
    }
}
