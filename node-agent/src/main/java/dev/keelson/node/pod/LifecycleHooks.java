package dev.keelson.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.node.probe.ProbeResult;
import dev.keelson.node.probe.Prober;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A container's {@code lifecycle.postStart} and {@code lifecycle.preStop} handlers, run as the
 * kubelet runs them: {@code exec} inside the container, {@code httpGet} (host defaults to the pod
 * IP) and {@code tcpSocket} through the probe machinery, {@code sleep} here. A preStop handler gets
 * the termination grace period as its time limit, and whatever it uses comes off the grace the
 * runtime then gives SIGTERM (at least {@value #MIN_GRACE_AFTER_PRESTOP} s, as the kubelet leaves).
 * A failed postStart handler kills the container (it restarts per the pod's restartPolicy); a
 * failed preStop handler is reported and termination goes on.
 */
final class LifecycleHooks {
    /** The grace left for SIGTERM after a preStop handler that used up the whole period (the kubelet's minimum). */
    static final long MIN_GRACE_AFTER_PRESTOP = 2;
    /** A postStart handler's time limit: it has none in the API; the container waits for it. */
    private static final Duration POST_START_LIMIT = Duration.ofMinutes(2);

    private final Prober prober;
    private final EventRecorder events;
    private final Consumer<String> log;

    LifecycleHooks(Prober prober, EventRecorder events, Consumer<String> log) {
        this.prober = prober;
        this.events = events;
        this.log = log;
    }

    /**
     * Runs container {@code name}'s preStop handler, if it has one, within {@code graceSeconds};
     * returns the grace left for SIGTERM.
     */
    long preStop(JsonNode pod, String name, String containerId, long graceSeconds) {
        JsonNode spec = dev.keelson.node.PodSpecs.container(pod, name);
        JsonNode handler = spec.path("lifecycle").path("preStop");
        if (handler.isMissingNode() || handler.isNull() || handler.isEmpty()) {
            return graceSeconds;
        }
        long start = System.nanoTime();
        ProbeResult r = run(handler, spec, containerId, pod.path("status").path("podIP").asText(""), Duration.ofSeconds(graceSeconds));
        if (!r.success()) {
            events.warning(pod, "FailedPreStopHook", "PreStopHook failed: " + r.message());
            log.accept("pod " + PodSyncer.key(pod) + ": container " + name + ": preStop hook failed: " + r.message());
        }
        long used = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        return Math.max(MIN_GRACE_AFTER_PRESTOP, graceSeconds - used);
    }

    /** Runs container {@code spec}'s postStart handler, if it has one; false when it failed (the caller kills the container). */
    boolean postStart(JsonNode pod, JsonNode spec, String containerId, String podIp) {
        JsonNode handler = spec.path("lifecycle").path("postStart");
        if (handler.isMissingNode() || handler.isNull() || handler.isEmpty()) {
            return true;
        }
        ProbeResult r = run(handler, spec, containerId, podIp, POST_START_LIMIT);
        if (!r.success()) {
            events.warning(pod, "FailedPostStartHook", "PostStartHook failed: " + r.message());
            log.accept("pod " + PodSyncer.key(pod) + ": container " + spec.path("name").asText() + ": postStart hook failed: "
                    + r.message());
        }
        return r.success();
    }

    private ProbeResult run(JsonNode handler, JsonNode spec, String containerId, String podIp, Duration limit) {
        if (handler.has("sleep")) {
            long seconds = Math.min(handler.path("sleep").path("seconds").asLong(0), limit.toSeconds());
            try {
                Thread.sleep(Duration.ofSeconds(Math.max(0, seconds)));
                return new ProbeResult(true, "");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ProbeResult(false, "interrupted");
            }
        }
        // a handler has the shape of a probe's handler: give it the time limit as its timeout
        ObjectNode asProbe = ((ObjectNode) handler).deepCopy();
        asProbe.put("timeoutSeconds", Math.max(1, limit.toSeconds()));
        try {
            return prober.run(asProbe, spec, containerId, podIp);
        } catch (IllegalArgumentException e) {
            return new ProbeResult(false, e.getMessage());
        }
    }
}
