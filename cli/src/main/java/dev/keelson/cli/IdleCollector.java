package dev.keelson.cli;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives the heap a burst of RPCs grew back to the system once the daemon has been quiet for a
 * while: one full collection {@link #QUIET} after the last call, and none while nothing happens.
 * With Serial GC and {@code -XX:-ShrinkHeapInSteps} the old generation then shrinks to what is
 * live (plus {@code MaxHeapFreeRatio}) at once, where otherwise it keeps the room that promoted
 * garbage took until the next full collection, which a mostly idle daemon may never need — the
 * JVM's own answer for G1 is {@code G1PeriodicGCInterval}, Go's is its background scavenger.
 */
final class IdleCollector {
    static final Duration QUIET = Duration.ofSeconds(3);
    private static final long TICK_MILLIS = 500;

    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();

    /** One call served. */
    void touch() {
        calls.incrementAndGet();
    }

    /** Full collections made so far. */
    long collections() {
        return collections.get();
    }

    /** Starts watching on a daemon virtual thread. */
    IdleCollector start() {
        Thread.ofVirtual().name("keelson-idle-gc").start(this::watch);
        return this;
    }

    private void watch() {
        long seen = calls.get();
        long quietSince = System.nanoTime();
        boolean dirty = false;
        try {
            while (true) {
                Thread.sleep(TICK_MILLIS);
                long now = System.nanoTime();
                long c = calls.get();
                if (c != seen) {
                    seen = c;
                    quietSince = now;
                    dirty = true;
                } else if (dirty && now - quietSince >= QUIET.toNanos()) {
                    System.gc();
                    collections.incrementAndGet();
                    dirty = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
