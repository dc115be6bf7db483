package dev.keelson.node.server;

import dev.keelson.cri.api.v1.ContainerFilter;
import dev.keelson.cri.api.v1.ContainerState;
import dev.keelson.cri.api.v1.ContainerStatus;
import dev.keelson.cri.api.v1.ContainerStatusRequest;
import dev.keelson.cri.api.v1.ListContainersRequest;
import dev.keelson.node.cri.CriConnection;
import dev.keelson.node.pod.CriLabels;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds a pod's container instances in the runtime by the kubelet's CRI labels (namespace, pod
 * name, container name), newest attempt first, as the kubelet's log and exec handlers do.
 */
final class PodContainers {
    private final CriConnection cri;

    PodContainers(CriConnection cri) {
        this.cri = cri;
    }

    /** Every instance of the container, newest first (empty when the pod or container is unknown). */
    List<ContainerStatus> instances(String namespace, String pod, String container) {
        var filter = ContainerFilter.newBuilder().putLabelSelector(CriLabels.POD_NAMESPACE, namespace)
                .putLabelSelector(CriLabels.POD_NAME, pod).putLabelSelector(CriLabels.CONTAINER_NAME, container);
        List<ContainerStatus> out = new ArrayList<>();
        for (var c : cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(filter).build())
                .getContainersList()) {
            status(c.getId()).ifPresent(out::add);
        }
        out.sort(Comparator.comparingInt((ContainerStatus c) -> c.getMetadata().getAttempt())
                .thenComparingLong(ContainerStatus::getCreatedAt).reversed());
        return out;
    }

    /** A container's current status, or empty when it was removed. */
    Optional<ContainerStatus> status(String id) {
        try {
            return Optional.of(cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build())
                    .getStatus());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Whether the container is still running (a followed log goes on while it is). */
    boolean running(String id) {
        return status(id).map(s -> s.getState() == ContainerState.CONTAINER_RUNNING).orElse(false);
    }
}
