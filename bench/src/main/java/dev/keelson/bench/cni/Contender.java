package dev.keelson.bench.cni;

import dev.keelson.bench.Samples;
import java.util.List;

/** One way of attaching pods to a network (a plugin exec'd or in-process, or the C floor), timed call by call. */
interface Contender {
    /** Who this is in progress lines and notes, e.g. {@code "bridge reference (exec'd)"}. */
    String label();

    /**
     * ADDs every pod of {@code pods}, then DELs every one, with {@code workers} callers at once,
     * adding each call's duration to {@code add} and {@code del}. Afterwards the pods are empty again.
     */
    void batch(List<Pod> pods, int workers, Samples add, Samples del) throws Exception;

    /**
     * Uncounted ADD/DEL pairs so that what is counted runs warm (the JIT, in this JVM and the
     * daemon's). Made by {@code workers} callers at once: a DEL waits ~30 ms for the kernel's RCU
     * grace periods, and concurrent DELs wait together, so warming up takes a fraction of the time.
     */
    default void warmUp(List<Pod> pods, int pairs, int workers) throws Exception {
        for (int done = 0; done < pairs; done += pods.size()) {
            batch(pods.subList(0, Math.min(pods.size(), pairs - done)), workers, new Samples(), new Samples());
        }
    }
}
