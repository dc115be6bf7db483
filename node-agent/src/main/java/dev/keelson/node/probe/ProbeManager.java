package dev.keelson.node.probe;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The node's probe workers (the kubelet's {@code prober.Manager}): one {@link ProbeWorker} per
 * running container and probe kind, all driven by <b>one</b> scheduler thread whose ticks hand
 * each probe run to a virtual thread, so a thousand probes cost one platform thread.
 *
 * <p>Results follow the kubelet: readiness starts as failure, liveness as success, startup as
 * unknown; liveness and readiness do not run until the startup probe succeeds. A readiness or
 * startup verdict that flips wakes the pod's worker ({@code changed}) so the status — and through
 * it the EndpointSlices — follow; a liveness or startup probe that reaches its failure threshold is
 * reported to {@code unhealthy}, which kills the container.
 */
public final class ProbeManager implements ProbeView, AutoCloseable {
    /** Receives probe outcomes that need the pod's attention. */
    public interface Listener {
        /** A readiness or startup verdict changed: the pod status needs rewriting. */
        void changed(String podUid);

        /** One run failed (for the {@code Unhealthy} event). */
        void failedOnce(JsonNode pod, String container, ProbeKind kind, String message);

        /** A liveness or startup probe crossed its failure threshold: the container must be restarted. */
        void unhealthy(JsonNode pod, String container, String containerId, ProbeKind kind, String message);
    }

    private final Prober prober;
    private final Listener listener;
    private final Consumer<String> log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("probe-timer").daemon().factory());
    /** containerId → its workers by kind. */
    private final Map<String, Map<ProbeKind, ProbeWorker>> workers = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> ticks = new ConcurrentHashMap<>();

    public ProbeManager(Prober prober, Listener listener, Consumer<String> log) {
        this.prober = prober;
        this.listener = listener;
        this.log = log;
    }

    /**
     * Makes the workers match the pod's running containers: new containers get workers, ones that
     * stopped or were replaced lose theirs.
     *
     * @param running container name → id of its running instance
     * @param podIp the pod's IP (default host of network probes)
     */
    public void sync(JsonNode pod, Map<String, String> running, String podIp) {
        String uid = pod.path("metadata").path("uid").asText();
        for (JsonNode c : pod.path("spec").path("containers")) {
            String id = running.get(c.path("name").asText());
            if (id == null || !hasProbes(c)) {
                continue;
            }
            workers.computeIfAbsent(id, k -> {
                Map<ProbeKind, ProbeWorker> m = new EnumMap<>(ProbeKind.class);
                for (ProbeKind kind : ProbeKind.values()) {
                    if (c.has(kind.field())) {
                        m.put(kind, new ProbeWorker(kind, uid, c, id, c.path(kind.field())));
                    }
                }
                m.values().forEach(w -> schedule(w, pod, podIp, m));
                return m;
            }).values().forEach(w -> w.pod = pod);
        }
        for (var e : workers.entrySet()) {
            ProbeWorker any = e.getValue().values().iterator().next();
            if (any.podUid.equals(uid) && !running.containsValue(e.getKey())) {
                stop(e.getKey());
            }
        }
    }

    /** Stops every worker of a pod that is going away. */
    public void removePod(String uid) {
        workers.entrySet().stream().filter(e -> e.getValue().values().iterator().next().podUid.equals(uid))
                .map(Map.Entry::getKey).toList().forEach(this::stop);
    }

    private void schedule(ProbeWorker w, JsonNode pod, String podIp, Map<ProbeKind, ProbeWorker> siblings) {
        w.pod = pod;
        long period = Math.max(1, w.spec.path("periodSeconds").asLong(10)) * 1000;
        long delay = Math.max(0, w.spec.path("initialDelaySeconds").asLong(0)) * 1000;
        ScheduledFuture<?> f = timer.scheduleAtFixedRate(() -> tick(w, podIp, siblings), delay, period, TimeUnit.MILLISECONDS);
        ticks.put(w.key(), f);
    }

    /** On the timer thread: hand the run to a virtual thread unless one is still running or the worker waits. */
    private void tick(ProbeWorker w, String podIp, Map<ProbeKind, ProbeWorker> siblings) {
        if (w.held || !w.busy.compareAndSet(false, true)) {
            return;
        }
        ProbeWorker startup = siblings.get(ProbeKind.STARTUP);
        if (w.kind != ProbeKind.STARTUP && startup != null && !Boolean.TRUE.equals(startup.result)) {
            w.busy.set(false); // gated until the startup probe succeeds
            return;
        }
        if (w.kind == ProbeKind.STARTUP && Boolean.TRUE.equals(w.result)) {
            w.busy.set(false); // a startup probe stops once it succeeded
            return;
        }
        Thread.ofVirtual().name("probe-" + w.kind.title().toLowerCase() + "-" + w.containerId.substring(0, Math.min(12, w.containerId.length())))
                .start(() -> {
                    try {
                        run(w, podIp);
                    } catch (RuntimeException e) {
                        log.accept("probe " + w.kind.title() + " of " + w.container.path("name").asText() + ": " + e);
                    } finally {
                        w.busy.set(false);
                    }
                });
    }

    private void run(ProbeWorker w, String podIp) {
        ProbeResult r;
        try {
            r = prober.run(w.spec, w.container, w.containerId, podIp);
        } catch (IllegalArgumentException e) {
            r = ProbeResult.failure(e.getMessage());
        }
        if (w.held || !workers.containsKey(w.containerId)) {
            return; // stopped while the probe ran
        }
        String name = w.container.path("name").asText();
        if (!r.success()) {
            listener.failedOnce(w.pod, name, w.kind, r.message());
        }
        ProbeWorker.Change change = w.record(r.success());
        if (change == ProbeWorker.Change.BECAME_FAILED && w.kind != ProbeKind.READINESS) {
            w.held = true; // the kubelet holds the worker until the container is replaced
            listener.unhealthy(w.pod, name, w.containerId, w.kind, r.message());
        }
        if (change != ProbeWorker.Change.NONE && w.kind != ProbeKind.LIVENESS) {
            listener.changed(w.podUid);
        }
    }

    private void stop(String containerId) {
        Map<ProbeKind, ProbeWorker> m = workers.remove(containerId);
        if (m != null) {
            for (ProbeWorker w : m.values()) {
                w.held = true;
                ScheduledFuture<?> f = ticks.remove(w.key());
                if (f != null) {
                    f.cancel(false);
                }
            }
        }
    }

    private static boolean hasProbes(JsonNode c) {
        return c.has("livenessProbe") || c.has("readinessProbe") || c.has("startupProbe");
    }

    private Boolean result(String containerId, ProbeKind kind) {
        Map<ProbeKind, ProbeWorker> m = workers.get(containerId);
        ProbeWorker w = m == null ? null : m.get(kind);
        return w == null ? null : w.result;
    }

    @Override
    public boolean started(JsonNode container, String containerId) {
        return !container.has("startupProbe") || Boolean.TRUE.equals(result(containerId, ProbeKind.STARTUP));
    }

    @Override
    public boolean ready(JsonNode container, String containerId) {
        return started(container, containerId)
                && (!container.has("readinessProbe") || Boolean.TRUE.equals(result(containerId, ProbeKind.READINESS)));
    }

    /** Probe workers alive (for tests and figures). */
    public int workerCount() {
        return ticks.size();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.clear();
        ticks.clear();
    }
}
