package dev.keelson.node.pod;

import dev.keelson.cri.api.v1.ContainerFilter;
import dev.keelson.cri.api.v1.ContainerStatus;
import dev.keelson.cri.api.v1.ContainerStatusRequest;
import dev.keelson.cri.api.v1.ListContainersRequest;
import dev.keelson.cri.api.v1.ListPodSandboxRequest;
import dev.keelson.cri.api.v1.PodSandbox;
import dev.keelson.cri.api.v1.PodSandboxFilter;
import dev.keelson.cri.api.v1.PodSandboxState;
import dev.keelson.cri.api.v1.PodSandboxStatus;
import dev.keelson.cri.api.v1.PodSandboxStatusRequest;
import dev.keelson.node.cri.CriConnection;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the runtime holds for one pod (by its uid label): its sandboxes, newest first, the newest
 * sandbox's status, and every container's status — the kubelet's {@code kubecontainer.PodStatus}.
 */
public record PodRuntime(List<PodSandbox> sandboxes, PodSandboxStatus sandboxStatus, List<ContainerStatus> containers) {
    private static final Comparator<ContainerStatus> NEWEST_FIRST = Comparator
            .comparingInt((ContainerStatus c) -> c.getMetadata().getAttempt())
            .thenComparingLong(ContainerStatus::getCreatedAt).reversed();

    /** Reads the pod's sandboxes and containers through CRI. */
    public static PodRuntime read(CriConnection cri, String uid) {
        List<PodSandbox> sandboxes = new ArrayList<>(cri.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder()
                .setFilter(PodSandboxFilter.newBuilder().putLabelSelector(CriLabels.POD_UID, uid)).build()).getItemsList());
        sandboxes.sort(Comparator.comparingLong(PodSandbox::getCreatedAt).reversed());
        PodSandboxStatus status = null;
        if (!sandboxes.isEmpty()) {
            try {
                status = cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                        .setPodSandboxId(sandboxes.get(0).getId()).build()).getStatus();
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != io.grpc.Status.Code.NOT_FOUND) {
                    throw e;
                }
            }
        }
        List<ContainerStatus> containers = new ArrayList<>();
        for (var c : cri.runtime().listContainers(ListContainersRequest.newBuilder()
                .setFilter(ContainerFilter.newBuilder().putLabelSelector(CriLabels.POD_UID, uid)).build()).getContainersList()) {
            try {
                containers.add(cri.runtime().containerStatus(ContainerStatusRequest.newBuilder()
                        .setContainerId(c.getId()).build()).getStatus());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != io.grpc.Status.Code.NOT_FOUND) {
                    throw e; // removed between the list and the status: nothing to report
                }
            }
        }
        containers.sort(NEWEST_FIRST);
        return new PodRuntime(List.copyOf(sandboxes), status, List.copyOf(containers));
    }

    /** The newest sandbox when it is ready. */
    public Optional<PodSandboxStatus> readySandbox() {
        return sandboxStatus != null && sandboxStatus.getState() == PodSandboxState.SANDBOX_READY
                ? Optional.of(sandboxStatus) : Optional.empty();
    }

    /** The newest instance of a container, by attempt. */
    public Optional<ContainerStatus> latest(String name) {
        return containers.stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst();
    }

    /** The instance before the newest (for {@code lastState}). */
    public Optional<ContainerStatus> previous(String name) {
        return containers.stream().filter(c -> c.getMetadata().getName().equals(name)).skip(1).findFirst();
    }
}
