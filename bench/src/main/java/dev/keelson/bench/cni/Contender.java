package dev.keelson.bench.cni;

import java.util.List;

/**
 * One way of attaching pods to a network (a plugin exec'd or in-process, the C floor, or a bare
 * spawn), timed call by call. ADD and DEL are separate steps so that a run can interleave the
 * contenders' calls one by one and they all meet the same kernel conditions.
 */
interface Contender extends AutoCloseable {
    /** Who this is in progress lines and notes, e.g. {@code "bridge reference (exec'd)"}. */
    String label();

    /** ADDs every pod of {@code pods}, {@code workers} callers at once; the durations in nanoseconds, by pod. */
    long[] add(List<Pod> pods, int workers) throws Exception;

    /** DELs every pod of {@code pods} (ADDed before), {@code workers} callers at once; the durations by pod. */
    long[] del(List<Pod> pods, int workers) throws Exception;

    /**
     * Uncounted ADD/DEL pairs so that what is counted runs warm (the JIT, in this JVM and the
     * daemon's). Made by {@code workers} callers at once: a DEL waits ~30 ms for the kernel's RCU
     * grace periods, and concurrent DELs wait together, so warming up takes a fraction of the time.
     */
    default void warmUp(List<Pod> pods, int pairs, int workers) throws Exception {
        for (int done = 0; done < pairs; done += pods.size()) {
            List<Pod> batch = pods.subList(0, Math.min(pods.size(), pairs - done));
            add(batch, workers);
            del(batch, workers);
        }
    }

    /** Ends what the contender keeps running (a C process); nothing by default. */
    @Override
    default void close() {
    }
}
