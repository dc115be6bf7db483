package dev.keelson.control.controller;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A de-duplicating queue of object keys for level-triggered reconcilers: a key added while queued
 * is queued once; a key added while being processed is queued again after {@link #done}, so a key is
 * never reconciled by two workers at once. Failed keys come back after a per-key exponential
 * back-off (5 ms doubling to 5 minutes), reset by {@link #forget}.
 */
public final class WorkQueue {
    private static final long BASE_DELAY_MS = 5;
    private static final long MAX_DELAY_MS = TimeUnit.MINUTES.toMillis(5);

    private record Delayed1(String key, long atNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(atNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(atNanos, ((Delayed1) o).atNanos);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> processing = new HashSet<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final DelayQueue<Delayed1> delayed = new DelayQueue<>();
    private volatile boolean shutDown;

    public void add(String key) {
        lock.lock();
        try {
            if (shutDown || !dirty.add(key)) {
                return;
            }
            if (!processing.contains(key)) {
                queue.add(key);
                ready.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Adds the key after {@code delayMs} (e.g. to re-check a deadline). */
    public void addAfter(String key, long delayMs) {
        if (delayMs <= 0) {
            add(key);
        } else {
            delayed.add(new Delayed1(key, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs)));
            lock.lock();
            try {
                ready.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Re-adds a key that failed, after its back-off. */
    public void retry(String key) {
        int n;
        lock.lock();
        try {
            n = failures.merge(key, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
        addAfter(key, Math.min(MAX_DELAY_MS, BASE_DELAY_MS << Math.min(n - 1, 30)));
    }

    /** The key succeeded: reset its back-off. */
    public void forget(String key) {
        lock.lock();
        try {
            failures.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** Next key to process, or null after shutdown. Call {@link #done} when finished with it. */
    public String take() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                for (Delayed1 d; (d = delayed.poll()) != null; ) {
                    String k = d.key();
                    if (dirty.add(k) && !processing.contains(k)) {
                        queue.add(k);
                    }
                }
                String key = queue.poll();
                if (key != null) {
                    dirty.remove(key);
                    processing.add(key);
                    return key;
                }
                if (shutDown) {
                    return null;
                }
                Delayed1 next = delayed.peek();
                long waitNanos = next == null ? TimeUnit.MILLISECONDS.toNanos(500)
                        : Math.max(1, Math.min(next.getDelay(TimeUnit.NANOSECONDS), TimeUnit.MILLISECONDS.toNanos(500)));
                ready.awaitNanos(waitNanos);
            }
        } finally {
            lock.unlock();
        }
    }

    public void done(String key) {
        lock.lock();
        try {
            processing.remove(key);
            if (dirty.contains(key)) {
                queue.add(key);
                ready.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    public void shutDown() {
        lock.lock();
        try {
            shutDown = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public int length() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }
}
