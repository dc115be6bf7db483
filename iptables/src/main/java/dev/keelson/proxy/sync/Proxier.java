package dev.keelson.proxy.sync;

import dev.keelson.linux.Flags;
import dev.keelson.proxy.backend.Applied;
import dev.keelson.proxy.backend.RuleBackend;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.IncrementalCompiler;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.conntrack.Conntrack;
import dev.keelson.proxy.model.EndpointSlice;
import dev.keelson.proxy.model.Service;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.proxy.trace.Packet;
import dev.keelson.proxy.trace.Trace;
import dev.keelson.proxy.trace.Tracer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The level-triggered sync loop: it holds the desired {@link Snapshot}, and each pass compiles it,
 * diffs it against the state last applied, and has the backend apply only the difference; then
 * deletes the UDP conntrack entries the change made stale. Compiling and diffing go through an
 * {@link IncrementalCompiler}: only Services whose object or slices changed since the previous
 * pass are recompiled, so a one-service change costs the same at 30,000 services as at 10. Callers
 * driven by watch events use {@link #upsertService}, {@link #removeService}, {@link #upsertSlice}
 * and {@link #removeSlice}, which update the desired snapshot in O(log n).
 *
 * <pre>
 *   update(s) ──► desired = s, dirty ──► (wait until the start before last + minInterval) ──► sync()
 *                                                                                  │
 *        ┌──────────── backend.needsFullSync() or resync due? ◄────────────────────┘
 *        │ yes: backend.full(compiled)                 no: backend.incremental(diff)
 *        │      (compiled, diff) = incrementalCompiler.update(desired)
 *        ▼
 *   ok: applied = compiled, clear stale UDP flows   failure: errors++, backend needs full, retry after minInterval
 * </pre>
 *
 * Bursts coalesce: updates only replace the desired snapshot, so however many arrive during one
 * interval, one sync programs the latest. A full resync also runs every {@code fullResyncInterval},
 * repairing anything changed behind the proxy's back. The first sync is always full, which adopts
 * or replaces rules left by an earlier Keelson.
 *
 * <p>Use either the background loop ({@link #start}) or direct {@link #syncNow} calls (a CLI's
 * one-shot {@code apply}); both are serialised.
 */
public final class Proxier implements AutoCloseable {

    /**
     * Loop settings.
     *
     * @param minSyncInterval    at most one sync per this interval (bursts coalesce into one)
     * @param fullResyncInterval a full sync at least this often (zero: never periodically)
     * @param conntrackCleanup   delete stale UDP conntrack entries after each sync
     */
    public record Options(Duration minSyncInterval, Duration fullResyncInterval, boolean conntrackCleanup) {
        /** kube-proxy-like defaults: 1 s minimum interval, full resync hourly, conntrack cleanup on. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(1), Duration.ofHours(1), true);
        }
    }

    private final RuleBackend backend;
    private final NodeConfig node;
    private final Options options;
    private final Conntrack conntrack;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ReentrantLock syncLock = new ReentrantLock();
    private final MetricsAccumulator metrics;

    private final IncrementalCompiler compiler;
    private Snapshot desired = Snapshot.empty();
    private boolean dirty;
    private boolean closed;
    /** Start times of the last two syncs: two may run back to back (kube-proxy's burst of 2), a third waits. */
    private long lastStart;
    private long startBefore;
    private long lastFull;
    private CompiledState applied;
    private boolean failed;
    private Thread loop;
    private volatile Consumer<SyncMetrics> listener = m -> { };

    /**
     * A proxier programming {@code backend} for {@code node}. {@code conntrack} may be null (no
     * cleanup); it must have been opened in the namespace the backend programs.
     */
    public Proxier(RuleBackend backend, NodeConfig node, Options options, Conntrack conntrack) {
        this.backend = backend;
        this.node = node;
        this.options = options;
        this.conntrack = conntrack;
        this.metrics = new MetricsAccumulator(backend.name());
        this.compiler = new IncrementalCompiler(node);
    }

    /**
     * Calls {@code listener} after every sync, successful or failed, with the metrics as that sync
     * left them ({@link SyncMetrics#lastKind()}, {@link SyncMetrics#lastError()} …), in order and on
     * the syncing thread (keep it short: the next sync waits for it). Replaces an earlier listener.
     */
    public void onSync(Consumer<SyncMetrics> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Replaces the desired state; the loop (if started) syncs it within {@code minSyncInterval}. */
    public void update(Snapshot snapshot) {
        lock.lock();
        try {
            desired = snapshot;
            dirty = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Adds or replaces one Service in the desired state (O(log n)); synced like {@link #update}. */
    public void upsertService(Service s) {
        edit(d -> d.with(s));
    }

    /** Removes one Service from the desired state (its slices stay until removed). */
    public void removeService(ServiceRef ref) {
        edit(d -> d.without(ref));
    }

    /** Adds or replaces one EndpointSlice (matched by Service and slice name) in the desired state. */
    public void upsertSlice(EndpointSlice slice) {
        edit(d -> d.withSlice(slice));
    }

    /** Removes the EndpointSlice {@code name} of {@code service} from the desired state. */
    public void removeSlice(ServiceRef service, String name) {
        edit(d -> d.withoutSlice(service, name));
    }

    private void edit(UnaryOperator<Snapshot> change) {
        lock.lock();
        try {
            Snapshot next = change.apply(desired);
            if (next != desired) {
                desired = next;
                dirty = true;
                wake.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The desired state. */
    public Snapshot desired() {
        lock.lock();
        try {
            return desired;
        } finally {
            lock.unlock();
        }
    }

    /** Starts the background loop on a platform thread (the backend's sockets are bound to their namespace already). */
    public void start() {
        lock.lock();
        try {
            if (loop != null) {
                throw new IllegalStateException("proxier already started");
            }
            loop = Thread.ofPlatform().name("keelson-proxier").daemon().start(this::run);
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            lock.lock();
            try {
                while (!closed && !due()) {
                    long waitNanos = nextWakeNanos();
                    wake.awaitNanos(waitNanos);
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                syncNow();
            } catch (RuntimeException e) {
                // Recorded in the metrics; the backend now needs a full sync, retried after minSyncInterval.
                lock.lock();
                try {
                    dirty = true;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Whether a sync should start now (lock held). */
    private boolean due() {
        long now = System.nanoTime();
        boolean rateOk = startBefore == 0 || now - startBefore >= options.minSyncInterval().toNanos();
        return rateOk && (dirty || fullResyncDue(now));
    }

    private boolean fullResyncDue(long now) {
        long every = options.fullResyncInterval().toNanos();
        return every > 0 && lastFull != 0 && now - lastFull >= every;
    }

    private long nextWakeNanos() {
        long now = System.nanoTime();
        long rate = startBefore == 0 ? 0 : startBefore + options.minSyncInterval().toNanos() - now;
        if (dirty) {
            return Math.max(rate, 1);
        }
        long every = options.fullResyncInterval().toNanos();
        long resync = every > 0 && lastFull != 0 ? lastFull + every - now : TimeUnit.MINUTES.toNanos(1);
        return Math.max(Math.max(rate, resync), 1);
    }

    /**
     * Syncs the desired state now, ignoring the rate limit: full when the backend needs it or a
     * periodic resync is due, otherwise only the difference.
     *
     * @return what was sent, or null when nothing differed
     * @throws dev.keelson.proxy.backend.BackendException when the backend refused (previous rules kept;
     *     the next sync is full)
     */
    public Applied syncNow() {
        syncLock.lock();
        try {
            Snapshot snap;
            long t0 = System.nanoTime();
            lock.lock();
            try {
                snap = desired;
                dirty = false;
                startBefore = lastStart;
                lastStart = t0;
            } finally {
                lock.unlock();
            }
            try {
                boolean full = applied == null || failed || backend.needsFullSync() || fullResyncDue(t0);
                IncrementalCompiler.Step step = compiler.update(snap);
                CompiledState next = step.after();
                // The step's diff is relative to the last compiled state; that is the applied one
                // unless the last sync failed, and then this sync is full anyway.
                StateDiff diff = step.before() == applied ? step.diff()
                        : applied == null ? null : StateDiff.between(applied, next);
                Applied done;
                if (full) {
                    done = backend.full(next);
                    lastFull = System.nanoTime();
                } else {
                    done = diff.isEmpty() ? null : backend.incremental(diff, next);
                }
                applied = next;
                failed = false;
                long deleted = 0;
                String cleanupError = null;
                try {
                    deleted = diff == null ? 0 : cleanConntrack(diff);
                } catch (RuntimeException e) {
                    // The rules are applied; stale flows only delay convergence of a few UDP clients.
                    cleanupError = "conntrack cleanup failed: " + e.getMessage();
                }
                metrics.success(snap.services().size(), next.ports().size(), compiler.endpointCount(), done,
                        System.nanoTime() - t0, deleted, cleanupError);
                listener.accept(metrics.snapshot());
                return done;
            } catch (RuntimeException e) {
                // Whatever was sent, the next sync starts over from a full one (the applied state
                // stays what the kernel held before, for trace and show).
                failed = true;
                metrics.failure(e);
                listener.accept(metrics.snapshot());
                throw e;
            }
        } finally {
            syncLock.unlock();
        }
    }

    private long cleanConntrack(StateDiff diff) {
        if (conntrack == null || !options.conntrackCleanup()) {
            return 0;
        }
        long n = 0;
        for (StaleUdp s : StaleUdp.of(diff)) {
            boolean v6 = s.frontend() != null ? Family.of(s.frontend()) == Family.V6
                    : s.endpoint() != null && Family.of(s.endpoint()) == Family.V6;
            n += conntrack.delete(v6 ? Flags.AF_INET6 : Flags.AF_INET, s);
        }
        return n;
    }

    /** Forces the next sync to be full (e.g. after someone edited the rules by hand). */
    public void requestFullSync() {
        syncLock.lock();
        try {
            applied = null;
        } finally {
            syncLock.unlock();
        }
        update(desired());
    }

    /** Removes every Keelson rule from the kernel; the next sync is full. */
    public void flush() {
        syncLock.lock();
        try {
            backend.flush();
            applied = null;
        } finally {
            syncLock.unlock();
        }
    }

    /** The state last applied successfully, or null. */
    public CompiledState applied() {
        syncLock.lock();
        try {
            return applied;
        } finally {
            syncLock.unlock();
        }
    }

    /** Which path {@code packet} takes through the applied rules (nothing applied: an empty state). */
    public Trace trace(Packet packet) {
        CompiledState s = applied();
        return new Tracer(s != null ? s : Compiler.compile(Snapshot.empty(), node)).trace(packet);
    }

    /** The rules as the kernel lists them. */
    public String show() {
        return backend.show();
    }

    /** Counters and the last sync's figures. */
    public SyncMetrics metrics() {
        return metrics.snapshot();
    }

    /** Stops the loop (rules stay in the kernel; see {@link #flush}) and closes the backend. */
    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            wake.signalAll();
            t = loop;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        backend.close();
        if (conntrack != null) {
            conntrack.close();
        }
    }

}
