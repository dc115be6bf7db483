package dev.keelson.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.cri.api.v1.ContainerState;
import dev.keelson.cri.api.v1.ContainerStatus;
import dev.keelson.cri.api.v1.PodSandbox;
import dev.keelson.cri.api.v1.PodSandboxState;
import dev.keelson.cri.api.v1.RemovePodSandboxRequest;
import dev.keelson.cri.api.v1.StopContainerRequest;
import dev.keelson.cri.api.v1.StopPodSandboxRequest;
import dev.keelson.node.cri.CriConnection;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Stops a pod as the kubelet's {@code killPod} does: every live container, at once, first runs its
 * preStop handler within the grace period ({@link LifecycleHooks}), then gets {@code StopContainer}
 * with the grace that is left (the runtime sends SIGTERM, then SIGKILL when it runs out), then each sandbox is stopped and, for a pod that is going away, removed (which
 * removes its containers). Every step is tried even when an earlier one failed; the first error is
 * rethrown at the end so that the caller retries.
 */
final class PodKiller {
    private final CriConnection cri;
    private final EventRecorder events;
    private final LifecycleHooks hooks;
    private final Consumer<String> log;

    PodKiller(CriConnection cri, EventRecorder events, LifecycleHooks hooks, Consumer<String> log) {
        this.cri = cri;
        this.events = events;
        this.hooks = hooks;
        this.log = log;
    }

    void kill(JsonNode pod, long graceSeconds, boolean remove) {
        String uid = pod.path("metadata").path("uid").asText();
        PodRuntime rt = PodRuntime.read(cri, uid);
        List<StatusRuntimeException> errors = new ArrayList<>();
        List<Thread> stops = new ArrayList<>();
        for (ContainerStatus c : rt.containers()) {
            if (c.getState() == ContainerState.CONTAINER_RUNNING || c.getState() == ContainerState.CONTAINER_CREATED) {
                events.normal(pod, "Killing", "Stopping container " + c.getMetadata().getName());
                stops.add(Thread.ofVirtual().start(() -> {
                    try {
                        long grace = c.getState() == ContainerState.CONTAINER_RUNNING
                                ? hooks.preStop(pod, c.getMetadata().getName(), c.getId(), graceSeconds) : graceSeconds;
                        cri.runtime(Duration.ofSeconds(grace + 30)).stopContainer(StopContainerRequest.newBuilder()
                                .setContainerId(c.getId()).setTimeout(grace).build());
                    } catch (StatusRuntimeException e) {
                        synchronized (errors) {
                            errors.add(e);
                        }
                    }
                }));
            }
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping pod " + PodSyncer.key(pod), e);
            }
        }
        for (PodSandbox sb : rt.sandboxes()) {
            try {
                cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sb.getId()).build());
                if (remove) {
                    cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sb.getId()).build());
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    errors.add(e);
                }
            }
        }
        if (!rt.sandboxes().isEmpty() || !rt.containers().isEmpty()) {
            log.accept("pod " + PodSyncer.key(pod) + ": stopped " + stops.size() + " container(s), "
                    + (remove ? "removed " : "stopped ") + rt.sandboxes().size() + " sandbox(es)");
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }

    /**
     * Stops container {@code name} with a grace period, after its preStop handler (a failed
     * liveness or startup probe, a failed postStart handler); errors are logged.
     */
    void stopContainer(JsonNode pod, String name, String containerId, long graceSeconds) {
        try {
            long grace = hooks.preStop(pod, name, containerId, graceSeconds);
            cri.runtime(Duration.ofSeconds(grace + 30)).stopContainer(StopContainerRequest.newBuilder()
                    .setContainerId(containerId).setTimeout(grace).build());
        } catch (StatusRuntimeException e) {
            log.accept("pod " + PodSyncer.key(pod) + ": stopping container " + containerId + ": " + PodSyncer.describe(e));
        }
    }

    /** For a pod that reached Succeeded or Failed: stop what still runs, keep the records for status. */
    void stopIfRunning(JsonNode pod) {
        PodRuntime rt = PodRuntime.read(cri, pod.path("metadata").path("uid").asText());
        boolean live = rt.sandboxes().stream().anyMatch(s -> s.getState() == PodSandboxState.SANDBOX_READY)
                || rt.containers().stream().anyMatch(c -> c.getState() == ContainerState.CONTAINER_RUNNING);
        if (live) {
            kill(pod, pod.path("spec").path("terminationGracePeriodSeconds").asLong(30), false);
        }
    }

    /** Stops old sandboxes before a new one is made. */
    void stopSandboxes(PodRuntime rt) {
        for (PodSandbox sb : rt.sandboxes()) {
            try {
                cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sb.getId()).build());
            } catch (StatusRuntimeException e) {
                log.accept("stopping old sandbox " + sb.getId() + ": " + PodSyncer.describe(e));
            }
        }
    }
}
