package dev.keelson.control.scheduler;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pods waiting to be scheduled: an active heap (higher priority first, then older first) and a
 * back-off area for pods that failed, which return to the heap when their back-off (1 s doubling to
 * 10 s) expires or earlier when the cluster changes in a way that may let them fit
 * ({@link #moveAllToActive}). A pod is in at most one place; re-adding updates it.
 */
public final class SchedulingQueue {
    private static final long INITIAL_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Waiting(PodInfo pod, long readyAtNanos) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final PriorityQueue<PodInfo> active = new PriorityQueue<>(
            Comparator.comparingInt(PodInfo::priority).reversed().thenComparingLong(PodInfo::creationOrder));
    private final Map<String, PodInfo> activeByKey = new HashMap<>();
    private final Map<String, Waiting> backoff = new HashMap<>();
    private final Map<String, Integer> attempts = new HashMap<>();

    /** Adds or refreshes a pending pod in the active heap. */
    public void add(PodInfo pod) {
        lock.lock();
        try {
            backoff.remove(pod.key());
            PodInfo old = activeByKey.put(pod.key(), pod);
            if (old != null) {
                active.remove(old);
            }
            active.add(pod);
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    /** A pod that could not be scheduled (or bound): retry after its back-off. */
    public void backOff(PodInfo pod) {
        lock.lock();
        try {
            if (activeByKey.containsKey(pod.key())) {
                return;
            }
            int n = attempts.merge(pod.key(), 1, Integer::sum);
            long delay = Math.min(MAX_BACKOFF_NANOS, INITIAL_BACKOFF_NANOS << Math.min(n - 1, 10));
            backoff.put(pod.key(), new Waiting(pod, System.nanoTime() + delay));
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a pod (deleted, or bound by someone else). */
    public void remove(String key) {
        lock.lock();
        try {
            PodInfo old = activeByKey.remove(key);
            if (old != null) {
                active.remove(old);
            }
            backoff.remove(key);
            attempts.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** The cluster changed (a node appeared, a pod went away): give every backed-off pod another try. */
    public void moveAllToActive() {
        lock.lock();
        try {
            for (Waiting w : backoff.values()) {
                activeByKey.put(w.pod().key(), w.pod());
                active.add(w.pod());
            }
            backoff.clear();
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Takes the next pod, waiting up to {@code timeoutMs}; null when none became ready. */
    public PodInfo poll(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lock.lock();
        try {
            while (true) {
                promoteExpired();
                PodInfo p = active.poll();
                if (p != null) {
                    activeByKey.remove(p.key());
                    return p;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                available.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Clears the retry count of a pod that was scheduled. */
    public void done(String key) {
        lock.lock();
        try {
            attempts.remove(key);
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return active.size() + backoff.size();
        } finally {
            lock.unlock();
        }
    }

    private void promoteExpired() {
        if (backoff.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        var it = backoff.values().iterator();
        while (it.hasNext()) {
            Waiting w = it.next();
            if (w.readyAtNanos() <= now) {
                it.remove();
                activeByKey.put(w.pod().key(), w.pod());
                active.add(w.pod());
            }
        }
    }
}
