package dev.keelson.control.store.sqlite;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * When leases expire. Only TTLs are stored; deadlines live here, in memory, and a reopened store
 * gives every lease its full TTL again, as etcd does after a restart or leader change (a holder that
 * was alive before the restart gets a fair chance to renew).
 *
 * <p>One thread sleeps until the earliest deadline (or until a new lease might be earlier), then
 * claims each expired lease, so a keep-alive racing with expiry either renews it or finds it gone,
 * and hands it to {@code expire}, which deletes its keys as ordinary DELETE events.
 */
final class LeaseReaper implements AutoCloseable {
    private record Lease(long ttlNanos, long deadline) {}

    private final Map<Long, Lease> leases = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LongConsumer expire;
    private final Thread thread;
    private volatile boolean closed;
    /** Bumped under {@link #lock} on every change, so a change made while the reaper scans is not missed. */
    private long version;

    LeaseReaper(LongConsumer expire) {
        this.expire = expire;
        this.thread = Thread.ofPlatform().daemon().name("keelson-store-leases").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Tracks a lease that expires one TTL from now. */
    void add(long id, long ttlMillis) {
        long ttl = TimeUnit.MILLISECONDS.toNanos(ttlMillis);
        leases.put(id, new Lease(ttl, System.nanoTime() + ttl));
        signal();
    }

    /** Pushes the deadline one full TTL ahead; false if the lease is unknown or already claimed. */
    boolean renew(long id) {
        return leases.computeIfPresent(id, (k, l) -> new Lease(l.ttlNanos(), System.nanoTime() + l.ttlNanos())) != null;
    }

    void forget(long id) {
        leases.remove(id);
    }

    private void run() {
        while (!closed) {
            long seen;
            lock.lock();
            try {
                seen = version;
            } finally {
                lock.unlock();
            }
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            for (Map.Entry<Long, Lease> e : leases.entrySet()) {
                Lease l = e.getValue();
                if (l.deadline() - now <= 0) {
                    // Claim it: only if no renewal slipped in since we read it.
                    if (leases.remove(e.getKey(), l)) {
                        expire.accept(e.getKey());
                    }
                } else {
                    next = Math.min(next, l.deadline() - now);
                }
            }
            lock.lock();
            try {
                if (!closed && version == seen) {
                    if (next == Long.MAX_VALUE) {
                        changed.await();
                    } else {
                        changed.awaitNanos(next);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private void signal() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        signal();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
