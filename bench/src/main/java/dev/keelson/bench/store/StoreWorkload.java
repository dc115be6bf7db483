package dev.keelson.bench.store;

import dev.keelson.bench.Samples;
import dev.keelson.control.store.RangeResult;
import dev.keelson.control.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The operations {@code bench store} times, the same calls for every contender: creates of fresh
 * keys (the API server's POST: a guarded create), gets of existing keys, and a whole-prefix list.
 * Each phase writes under a prefix of its own, so no create ever meets an existing key.
 */
final class StoreWorkload {
    /** What one contender is: its name in the report and its store. */
    record Contender(String name, Store store) {}

    private final byte[] value;
    private final AtomicInteger phase = new AtomicInteger();

    StoreWorkload() {
        value = new byte[StorePlan.VALUE_BYTES];
        ThreadLocalRandom.current().nextBytes(value);
    }

    /** {@code n} creates one after another, each one's latency added to {@code latency}; returns puts per second. */
    double serialPuts(Store s, int n, Samples latency) {
        String prefix = freshPrefix("put");
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            s.create(prefix + i, value, 0);
            latency.add(System.nanoTime() - t);
        }
        return n / seconds(System.nanoTime() - start);
    }

    /** {@code n} creates by {@code writers} threads, each issuing its next as soon as the last returns. */
    double parallelPuts(Store s, int writers, int n) throws InterruptedException {
        String prefix = freshPrefix("par");
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = next.getAndIncrement(); i < n && failure.get() == null; i = next.getAndIncrement()) {
                    try {
                        s.create(prefix + i, value, 0);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long took = System.nanoTime() - start;
        if (failure.get() != null) {
            throw failure.get();
        }
        return n / seconds(took);
    }

    /** Writes {@code n} keys (by 64 writers, untimed) and returns their prefix. */
    String fill(Store s, int n) throws InterruptedException {
        String prefix = freshPrefix("list");
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 64; w++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    s.create(prefix + String.format("%06d", i), value, 0);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return prefix;
    }

    /** {@code n} gets of random keys (latencies into {@code latency}) under {@code prefix}, which holds {@code keys} keys written by {@link #fill}. */
    void gets(Store s, String prefix, int keys, int n, Samples latency) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            String key = prefix + String.format("%06d", r.nextInt(keys));
            long t = System.nanoTime();
            boolean found = s.get(key).isPresent();
            latency.add(System.nanoTime() - t);
            if (!found) {
                throw new IllegalStateException("bench store: " + key + " is missing");
            }
        }
    }

    /** {@code n} lists of the whole prefix (latencies into {@code latency}), each checked to hold all {@code keys} keys. */
    void lists(Store s, String prefix, int keys, int n, Samples latency) {
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            RangeResult r = s.range(prefix, null, 0, 0);
            latency.add(System.nanoTime() - t);
            if (r.items().size() != keys) {
                throw new IllegalStateException("bench store: listed " + r.items().size() + " keys, wrote " + keys);
            }
        }
    }

    private String freshPrefix(String what) {
        return "/bench/" + what + "-" + phase.incrementAndGet() + "/";
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
