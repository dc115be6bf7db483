package dev.keelson.bench.api;

import dev.keelson.bench.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The operations {@code bench api} times, the same for every {@link Contender}. Every phase works in
 * a space (namespace) of its own, so no create meets an existing name.
 */
final class ApiWorkload {
    private final AtomicInteger phase = new AtomicInteger();

    /** {@code n} creates one after another (latencies into {@code latency}); returns creates per second. */
    double serialCreates(Contender c, int n, Samples latency) {
        String space = fresh(c, "serial");
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            c.create(space, "pod-" + i);
            latency.add(System.nanoTime() - t);
        }
        return n / seconds(System.nanoTime() - start);
    }

    /**
     * {@code n} creates by {@code clients} threads, each issuing its next as soon as the last
     * returned (latencies into {@code latency}); returns creates per second.
     */
    double parallelCreates(Contender c, int clients, int n, Samples latency) throws InterruptedException {
        String space = fresh(c, "par");
        long[] took = new long[n];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < clients; w++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = next.getAndIncrement(); i < n && failure.get() == null; i = next.getAndIncrement()) {
                    try {
                        long t = System.nanoTime();
                        c.create(space, "pod-" + i);
                        took[i] = System.nanoTime() - t;
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long all = System.nanoTime() - start;
        if (failure.get() != null) {
            throw failure.get();
        }
        if (latency != null) {
            for (long t : took) {
                latency.add(t);
            }
        }
        return n / seconds(all);
    }

    /** Creates {@code n} objects (64 clients, untimed) in a fresh space and returns it. */
    String fill(Contender c, int n) throws InterruptedException {
        String space = fresh(c, "list");
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 64; w++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = next.getAndIncrement(); i < n && failure.get() == null; i = next.getAndIncrement()) {
                    try {
                        c.create(space, "pod-" + i);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return space;
    }

    /** {@code n} gets of random objects out of the {@code size} that {@link #fill} made in {@code space}. */
    void gets(Contender c, String space, int size, int n, Samples latency) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            String name = "pod-" + r.nextInt(size);
            long t = System.nanoTime();
            c.get(space, name);
            latency.add(System.nanoTime() - t);
        }
    }

    /** {@code n} lists of the whole space, each checked (untimed) to hold all {@code size} objects. */
    void lists(Contender c, String space, int size, int n, Samples latency) {
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            Object listed = c.list(space);
            latency.add(System.nanoTime() - t);
            int got = c.items(listed);
            if (got != size) {
                throw new IllegalStateException("bench api: " + c.name() + " listed " + got + " objects, wrote " + size);
            }
        }
    }

    /**
     * {@code n} creates one after another with a watch open on their space: each one's delivery
     * time runs from just before the create is sent to the event's arrival on the watch (the
     * next create waits for it, so events never queue behind each other).
     */
    void watched(Contender c, int n, Samples latency) throws Exception {
        String space = fresh(c, "watch");
        Map<String, Long> arrivals = new ConcurrentHashMap<>();
        Semaphore seen = new Semaphore(0);
        AutoCloseable w = c.watch(space, name -> {
            arrivals.put(name, System.nanoTime());
            seen.release();
        });
        try {
            for (int i = 0; i < n; i++) {
                String name = "pod-" + i;
                long t = System.nanoTime();
                c.create(space, name);
                if (!seen.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("bench api: " + c.name() + ": no watch event for " + name + " within 10 s");
                }
                Long at = arrivals.remove(name);
                if (at == null) {
                    throw new IllegalStateException("bench api: " + c.name() + ": the watch delivered another object than " + name);
                }
                latency.add(at - t);
            }
        } finally {
            w.close();
        }
    }

    private String fresh(Contender c, String what) {
        String space = "bench-" + what + "-" + phase.incrementAndGet();
        c.prepare(space);
        return space;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
