package dev.keelson.bench.netns;

import dev.keelson.bench.Samples;

/** One way of creating and deleting pinned namespaces, timed pair by pair. */
interface Contender {
    /** Short name for progress lines. */
    String name();

    /**
     * Creates and deletes {@code count} namespaces, one after the other, adding each create's and
     * each delete's duration to the samples. Before each create and before each delete it pauses
     * {@code pauseNanos} (not timed), so that every operation finds the kernel quiet, as on a real
     * node where pods live for seconds: the kernel frees network namespaces later, in a workqueue,
     * and a delete's umount waits for an RCU grace period — ~10 µs when the kernel is quiet, ~55 µs
     * under back-to-back churn or right after a create, in C as in Java (measured here).
     */
    void run(int count, long pauseNanos, Samples create, Samples delete) throws Exception;

    /** Runs {@code count} pairs, back to back, that are not counted. */
    default void warmUp(int count) throws Exception {
        if (count > 0) {
            run(count, 0, new Samples(), new Samples());
        }
    }

    /** Sleeps {@code nanos} when positive. */
    static void pause(long nanos) {
        if (nanos > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(nanos);
        }
    }
}
