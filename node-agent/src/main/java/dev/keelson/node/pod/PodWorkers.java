package dev.keelson.node.pod;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One worker per pod uid, serialized: a trigger while a pass runs makes exactly one more pass,
 * with the newest pod object (the kubelet's {@code podWorkers}). Passes run on virtual threads.
 *
 * <pre>
 *   IDLE ──trigger──► RUNNING ──pass done──► IDLE
 *                      │  ▲
 *              trigger │  │ pass done: one more pass
 *                      ▼  │
 *                     RUNNING_AGAIN
 * </pre>
 */
public final class PodWorkers implements AutoCloseable {
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int AGAIN = 2;

    private final class Worker {
        final String uid;
        volatile ObjectNode pod;
        volatile boolean removed;
        final AtomicInteger state = new AtomicInteger(IDLE);

        Worker(String uid, ObjectNode pod) {
            this.uid = uid;
            this.pod = pod;
        }

        void trigger() {
            if (state.getAndUpdate(s -> s == IDLE ? RUNNING : AGAIN) == IDLE) {
                Thread.ofVirtual().name("pod-" + uid).start(this::loop);
            }
        }

        private void loop() {
            do {
                state.set(RUNNING);
                if (closed) {
                    break;
                }
                boolean finished = syncer.sync(pod, removed);
                if (finished) {
                    workers.remove(uid, this);
                }
            } while (!state.compareAndSet(RUNNING, IDLE));
            state.set(IDLE);
        }
    }

    private final PodSyncer syncer;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("pod-resync").factory());
    private volatile boolean closed;

    /** @param syncer the pass to run; built with {@link #resyncLater} as its re-sync callback */
    public PodWorkers(java.util.function.Function<PodWorkers, PodSyncer> syncer) {
        this.syncer = syncer.apply(this);
    }

    /** A pod was added or changed on the API server. */
    public void update(ObjectNode pod) {
        String uid = pod.path("metadata").path("uid").asText();
        Worker w = workers.computeIfAbsent(uid, u -> new Worker(u, pod));
        w.pod = pod;
        w.trigger();
    }

    /** A pod is gone from the API server: tear it down. */
    public void removed(ObjectNode pod) {
        String uid = pod.path("metadata").path("uid").asText();
        Worker w = workers.computeIfAbsent(uid, u -> new Worker(u, pod));
        w.removed = true;
        w.trigger();
    }

    /** The runtime changed something of this pod (PLEG). */
    public void trigger(String uid) {
        Worker w = workers.get(uid);
        if (w != null) {
            w.trigger();
        }
    }

    /** Runs another pass for {@code uid} after {@code delay} (back-off expiry, retries). */
    public void resyncLater(String uid, Duration delay) {
        if (!closed) {
            timers.schedule(() -> trigger(uid), Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    /** Removes volumes of pods on disk that have no worker (run once the pod list is synced). */
    public void cleanupOrphanVolumes() {
        syncer.cleanupOrphanVolumes(uids());
    }

    /** Pod uids with a worker. */
    public Set<String> uids() {
        return Set.copyOf(workers.keySet());
    }

    @Override
    public void close() {
        closed = true;
        timers.shutdownNow();
        syncer.close();
    }
}
