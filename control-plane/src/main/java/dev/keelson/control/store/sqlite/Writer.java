package dev.keelson.control.store.sqlite;

import dev.keelson.control.store.KeyNotFoundException;
import dev.keelson.control.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The single writer, with group commit. Callers queue their writes and wait; one thread takes
 * everything queued (up to {@code maxBatch}), runs it in one transaction, commits once (one WAL
 * append, one fsync with {@code sync=FULL}), then hands the batch's events to the watch hub and
 * answers the callers. While a batch commits the next one gathers, so the more writers there are,
 * the more each commit carries — nobody waits on a timer for a batch to fill.
 *
 * <pre>
 *   callers ──▶ queue ──▶ [BEGIN IMMEDIATE; op; op; …; COMMIT] ──▶ revision published ──▶ hub.publish
 *                                                                                   └─▶ callers answered
 * </pre>
 *
 * A write whose check fails (exists, conflict, not found) fails alone; an SQL error rolls the whole
 * batch back and fails every write in it.
 */
final class Writer implements AutoCloseable {
    private record Pending(WriteOp op, CompletableFuture<Object> done) {}

    private static final Pending STOP = new Pending(null, null);

    private final Connection connection;
    private final Mutations mutations;
    private final WatchHub hub;
    private final LeaseReaper leases;
    private final int maxBatch;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile long committed;
    private volatile long compacted;
    private volatile boolean closed;

    Writer(Connection connection, Mutations mutations, WatchHub hub, LeaseReaper leases, int maxBatch) {
        this.connection = connection;
        this.mutations = mutations;
        this.hub = hub;
        this.leases = leases;
        this.maxBatch = maxBatch;
        this.committed = mutations.revision();
        this.compacted = mutations.compacted();
        this.thread = Thread.ofPlatform().name("keelson-store-writer").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** The newest committed revision; every row up to it is visible to readers. */
    long committed() {
        return committed;
    }

    long compacted() {
        return compacted;
    }

    /** Runs {@code op} in the next batch and waits for its commit; its failure is rethrown here. */
    Object submit(WriteOp op) {
        CompletableFuture<Object> done = enqueue(op);
        try {
            return done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new StoreException("store write failed", e.getCause());
        }
    }

    /** Queues {@code op} without waiting (lease expiry: nobody is there to wait). */
    void submitLater(WriteOp op) {
        enqueue(op);
    }

    private CompletableFuture<Object> enqueue(WriteOp op) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new StoreException("the store is closed"));
            return done;
        }
        queue.add(new Pending(op, done));
        return done;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, maxBatch - 1);
            boolean stop = batch.remove(STOP);
            if (!batch.isEmpty()) {
                commit(batch);
            }
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    private void commit(List<Pending> batch) {
        Object[] results = new Object[batch.size()];
        try {
            for (int i = 0; i < batch.size(); i++) {
                try {
                    results[i] = apply(batch.get(i).op());
                } catch (StoreException | IllegalArgumentException e) {
                    results[i] = e;
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            rollBack();
            StoreException failure = new StoreException("store write failed and was rolled back: " + e.getMessage(), e);
            batch.forEach(p -> p.done().completeExceptionally(failure));
            return;
        }
        committed = mutations.revision();
        compacted = mutations.compacted();
        hub.publish(List.copyOf(mutations.events), committed);
        mutations.events.clear();
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            if (results[i] instanceof RuntimeException failed) {
                p.done().completeExceptionally(failed);
            } else {
                afterCommit(p.op(), results[i]);
                p.done().complete(results[i]);
            }
        }
    }

    private Object apply(WriteOp op) throws SQLException {
        return switch (op) {
            case WriteOp.Create c -> mutations.create(c.key(), c.value(), c.lease());
            case WriteOp.Update u -> mutations.update(u.key(), u.value(), u.expectedModRevision(), u.lease());
            case WriteOp.Delete d -> mutations.delete(d.key(), d.expectedModRevision());
            case WriteOp.Grant g -> mutations.grant(g.ttlMillis());
            case WriteOp.Revoke r -> {
                if (!mutations.revoke(r.lease()) && r.mustExist()) {
                    throw new KeyNotFoundException("lease " + r.lease() + " does not exist");
                }
                yield Boolean.TRUE;
            }
            case WriteOp.Compact c -> {
                mutations.compact(c.revision());
                yield Boolean.TRUE;
            }
        };
    }

    /** Lease deadlines follow the database only once it has committed. */
    private void afterCommit(WriteOp op, Object result) {
        if (op instanceof WriteOp.Grant g) {
            leases.add((Long) result, g.ttlMillis());
        } else if (op instanceof WriteOp.Revoke r) {
            leases.forget(r.lease());
        }
    }

    private void rollBack() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is unusable either way; the next batch reports it
        }
        mutations.rollBackTo(committed, compacted);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StoreException gone = new StoreException("the store is closed");
        for (Pending p = queue.poll(); p != null; p = queue.poll()) {
            if (p != STOP) {
                p.done().completeExceptionally(gone);
            }
        }
        Schema.close(connection);
    }
}
