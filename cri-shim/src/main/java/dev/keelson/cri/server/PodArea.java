package dev.keelson.cri.server;

import com.google.protobuf.ByteString;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cri.api.v1.Container;
import dev.keelson.cri.api.v1.ContainerStats;
import dev.keelson.cri.api.v1.ContainerStatsFilter;
import dev.keelson.cri.api.v1.ContainerStatsRequest;
import dev.keelson.cri.api.v1.ContainerStatsResponse;
import dev.keelson.cri.api.v1.ListContainerStatsRequest;
import dev.keelson.cri.api.v1.ListContainerStatsResponse;
import dev.keelson.cri.api.v1.ContainerFilter;
import dev.keelson.cri.api.v1.ContainerMetadata;
import dev.keelson.cri.api.v1.ContainerResources;
import dev.keelson.cri.api.v1.ContainerState;
import dev.keelson.cri.api.v1.ContainerStatus;
import dev.keelson.cri.api.v1.ContainerStatusRequest;
import dev.keelson.cri.api.v1.ContainerStatusResponse;
import dev.keelson.cri.api.v1.CreateContainerRequest;
import dev.keelson.cri.api.v1.CreateContainerResponse;
import dev.keelson.cri.api.v1.ExecSyncRequest;
import dev.keelson.cri.api.v1.ExecSyncResponse;
import dev.keelson.cri.api.v1.ListContainersRequest;
import dev.keelson.cri.api.v1.ListContainersResponse;
import dev.keelson.cri.api.v1.ListPodSandboxRequest;
import dev.keelson.cri.api.v1.ListPodSandboxResponse;
import dev.keelson.cri.api.v1.PodIP;
import dev.keelson.cri.api.v1.PodSandbox;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.api.v1.PodSandboxFilter;
import dev.keelson.cri.api.v1.PodSandboxNetworkStatus;
import dev.keelson.cri.api.v1.PodSandboxState;
import dev.keelson.cri.api.v1.PodSandboxStatus;
import dev.keelson.cri.api.v1.PodSandboxStatusRequest;
import dev.keelson.cri.api.v1.PodSandboxStatusResponse;
import dev.keelson.cri.api.v1.ReopenContainerLogRequest;
import dev.keelson.cri.api.v1.ReopenContainerLogResponse;
import dev.keelson.cri.api.v1.RemoveContainerRequest;
import dev.keelson.cri.api.v1.RemoveContainerResponse;
import dev.keelson.cri.api.v1.RemovePodSandboxRequest;
import dev.keelson.cri.api.v1.RemovePodSandboxResponse;
import dev.keelson.cri.api.v1.RunPodSandboxRequest;
import dev.keelson.cri.api.v1.RunPodSandboxResponse;
import dev.keelson.cri.api.v1.RuntimeServiceGrpc;
import dev.keelson.cri.api.v1.StartContainerRequest;
import dev.keelson.cri.api.v1.StartContainerResponse;
import dev.keelson.cri.api.v1.StopContainerRequest;
import dev.keelson.cri.api.v1.StopContainerResponse;
import dev.keelson.cri.api.v1.StopPodSandboxRequest;
import dev.keelson.cri.api.v1.StopPodSandboxResponse;
import dev.keelson.cri.api.v1.UpdateContainerResourcesRequest;
import dev.keelson.cri.api.v1.UpdateContainerResourcesResponse;
import dev.keelson.cri.container.ContainerManager;
import dev.keelson.cri.container.ContainerRecord;
import dev.keelson.cri.container.NotFoundException;
import dev.keelson.cri.oci.OciRuntime;
import dev.keelson.cri.oci.OciRuntimeException;
import dev.keelson.cri.sandbox.SandboxManager;
import dev.keelson.cri.sandbox.SandboxRecord;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Pod sandboxes and containers over gRPC: maps the CRI messages to {@link SandboxManager} and
 * {@link ContainerManager} and their errors to gRPC codes (NOT_FOUND, INVALID_ARGUMENT,
 * FAILED_PRECONDITION for a wrong state, UNKNOWN with the runtime's or CNI's message).
 */
public final class PodArea implements CriArea, RuntimeServiceGrpc.AsyncService {
    private final SandboxManager sandboxes;
    private final ContainerManager containers;

    public PodArea(SandboxManager sandboxes, ContainerManager containers) {
        this.sandboxes = sandboxes;
        this.containers = containers;
    }

    @Override
    public String name() {
        return "pods";
    }

    @Override
    public Set<String> rpcs() {
        return Set.of("RunPodSandbox", "StopPodSandbox", "RemovePodSandbox", "PodSandboxStatus", "ListPodSandbox",
                "CreateContainer", "StartContainer", "StopContainer", "RemoveContainer", "ContainerStatus",
                "ListContainers", "ExecSync", "ReopenContainerLog", "UpdateContainerResources", "ContainerStats", "ListContainerStats");
    }

    @Override
    public List<ServerServiceDefinition> services() {
        return List.of(RuntimeServiceGrpc.bindService(this));
    }

    @Override
    public void runPodSandbox(RunPodSandboxRequest req, StreamObserver<RunPodSandboxResponse> out) {
        answer(out, () -> RunPodSandboxResponse.newBuilder()
                .setPodSandboxId(sandboxes.run(req.getConfig(), req.getRuntimeHandler())).build());
    }

    @Override
    public void stopPodSandbox(StopPodSandboxRequest req, StreamObserver<StopPodSandboxResponse> out) {
        answer(out, () -> {
            sandboxes.stop(req.getPodSandboxId());
            return StopPodSandboxResponse.getDefaultInstance();
        });
    }

    @Override
    public void removePodSandbox(RemovePodSandboxRequest req, StreamObserver<RemovePodSandboxResponse> out) {
        answer(out, () -> {
            sandboxes.remove(req.getPodSandboxId());
            return RemovePodSandboxResponse.getDefaultInstance();
        });
    }

    @Override
    public void podSandboxStatus(PodSandboxStatusRequest req, StreamObserver<PodSandboxStatusResponse> out) {
        answer(out, () -> {
            SandboxRecord r = sandboxes.get(req.getPodSandboxId());
            PodSandboxConfig c = r.podConfig();
            PodSandboxNetworkStatus.Builder net = PodSandboxNetworkStatus.newBuilder();
            if (!r.ips().isEmpty()) {
                net.setIp(r.ips().get(0));
                r.ips().stream().skip(1).forEach(ip -> net.addAdditionalIps(PodIP.newBuilder().setIp(ip)));
            }
            PodSandboxStatus.Builder s = PodSandboxStatus.newBuilder().setId(r.id()).setMetadata(c.getMetadata())
                    .setState(state(r)).setCreatedAt(r.createdAt()).setNetwork(net)
                    .putAllLabels(c.getLabelsMap()).putAllAnnotations(c.getAnnotationsMap()).setRuntimeHandler(r.handler());
            s.getLinuxBuilder().getNamespacesBuilder().setOptions(c.getLinux().getSecurityContext().getNamespaceOptions());
            return PodSandboxStatusResponse.newBuilder().setStatus(s).setTimestamp(System.currentTimeMillis() * 1_000_000L).build();
        });
    }

    @Override
    public void listPodSandbox(ListPodSandboxRequest req, StreamObserver<ListPodSandboxResponse> out) {
        answer(out, () -> {
            PodSandboxFilter f = req.getFilter();
            ListPodSandboxResponse.Builder b = ListPodSandboxResponse.newBuilder();
            for (SandboxRecord r : sandboxes.list()) {
                PodSandboxConfig c = r.podConfig();
                if ((f.getId().isEmpty() || r.id().startsWith(f.getId()))
                        && (!f.hasState() || f.getState().getState() == state(r))
                        && matches(c.getLabelsMap(), f.getLabelSelectorMap())) {
                    b.addItems(PodSandbox.newBuilder().setId(r.id()).setMetadata(c.getMetadata()).setState(state(r))
                            .setCreatedAt(r.createdAt()).putAllLabels(c.getLabelsMap()).putAllAnnotations(c.getAnnotationsMap())
                            .setRuntimeHandler(r.handler()));
                }
            }
            return b.build();
        });
    }

    @Override
    public void createContainer(CreateContainerRequest req, StreamObserver<CreateContainerResponse> out) {
        answer(out, () -> CreateContainerResponse.newBuilder()
                .setContainerId(containers.create(req.getPodSandboxId(), req.getConfig(), req.getSandboxConfig())).build());
    }

    @Override
    public void startContainer(StartContainerRequest req, StreamObserver<StartContainerResponse> out) {
        answer(out, () -> {
            containers.start(req.getContainerId());
            return StartContainerResponse.getDefaultInstance();
        });
    }

    @Override
    public void stopContainer(StopContainerRequest req, StreamObserver<StopContainerResponse> out) {
        answer(out, () -> {
            containers.stop(req.getContainerId(), Duration.ofSeconds(Math.max(0, req.getTimeout())));
            return StopContainerResponse.getDefaultInstance();
        });
    }

    @Override
    public void removeContainer(RemoveContainerRequest req, StreamObserver<RemoveContainerResponse> out) {
        answer(out, () -> {
            containers.remove(req.getContainerId());
            return RemoveContainerResponse.getDefaultInstance();
        });
    }

    @Override
    public void containerStatus(ContainerStatusRequest req, StreamObserver<ContainerStatusResponse> out) {
        answer(out, () -> {
            ContainerRecord r = containers.get(req.getContainerId());
            var c = r.containerConfig();
            ContainerStatus s = ContainerStatus.newBuilder().setId(r.id()).setMetadata(c.getMetadata()).setState(state(r))
                    .setCreatedAt(r.createdAt()).setStartedAt(r.startedAt()).setFinishedAt(r.finishedAt())
                    .setExitCode(r.exitCode()).setImage(c.getImage()).setImageRef(r.imageRef())
                    .setReason(r.reason()).setMessage(r.message()).putAllLabels(c.getLabelsMap())
                    .putAllAnnotations(c.getAnnotationsMap()).addAllMounts(c.getMountsList()).setLogPath(r.logPath())
                    .setResources(ContainerResources.newBuilder().setLinux(c.getLinux().getResources()))
                    .build();
            return ContainerStatusResponse.newBuilder().setStatus(s).build();
        });
    }

    @Override
    public void listContainers(ListContainersRequest req, StreamObserver<ListContainersResponse> out) {
        answer(out, () -> {
            ContainerFilter f = req.getFilter();
            ListContainersResponse.Builder b = ListContainersResponse.newBuilder();
            for (ContainerRecord r : containers.list()) {
                var c = r.containerConfig();
                if ((f.getId().isEmpty() || r.id().startsWith(f.getId()))
                        && (f.getPodSandboxId().isEmpty() || r.podId().startsWith(f.getPodSandboxId()))
                        && (!f.hasState() || f.getState().getState() == state(r))
                        && matches(c.getLabelsMap(), f.getLabelSelectorMap())) {
                    b.addContainers(Container.newBuilder().setId(r.id()).setPodSandboxId(r.podId())
                            .setMetadata(c.hasMetadata() ? c.getMetadata() : ContainerMetadata.getDefaultInstance())
                            .setImage(c.getImage()).setImageRef(r.imageRef()).setState(state(r))
                            .setCreatedAt(r.createdAt()).putAllLabels(c.getLabelsMap()).putAllAnnotations(c.getAnnotationsMap()));
                }
            }
            return b.build();
        });
    }

    @Override
    public void execSync(ExecSyncRequest req, StreamObserver<ExecSyncResponse> out) {
        answer(out, () -> {
            OciRuntime.Result r = containers.execSync(req.getContainerId(), req.getCmdList(),
                    Duration.ofSeconds(Math.max(0, req.getTimeout())));
            if (r.timedOut()) {
                throw Status.DEADLINE_EXCEEDED.withDescription("command " + req.getCmdList() + " timed out after "
                        + req.getTimeout() + "s").asRuntimeException();
            }
            return ExecSyncResponse.newBuilder().setStdout(ByteString.copyFrom(r.stdout()))
                    .setStderr(ByteString.copyFromUtf8(r.stderr())).setExitCode(r.exitCode()).build();
        });
    }

    @Override
    public void updateContainerResources(UpdateContainerResourcesRequest req, StreamObserver<UpdateContainerResourcesResponse> out) {
        answer(out, () -> {
            containers.updateResources(req.getContainerId(), req.getLinux());
            return UpdateContainerResourcesResponse.getDefaultInstance();
        });
    }

    @Override
    public void containerStats(ContainerStatsRequest req, StreamObserver<ContainerStatsResponse> out) {
        answer(out, () -> ContainerStatsResponse.newBuilder().setStats(stats(containers.get(req.getContainerId()))).build());
    }

    @Override
    public void listContainerStats(ListContainerStatsRequest req, StreamObserver<ListContainerStatsResponse> out) {
        answer(out, () -> {
            ContainerStatsFilter f = req.getFilter();
            ListContainerStatsResponse.Builder b = ListContainerStatsResponse.newBuilder();
            for (ContainerRecord r : containers.list()) {
                if (r.state().equals(ContainerRecord.RUNNING)
                        && (f.getId().isEmpty() || r.id().startsWith(f.getId()))
                        && (f.getPodSandboxId().isEmpty() || r.podId().startsWith(f.getPodSandboxId()))
                        && matches(r.containerConfig().getLabelsMap(), f.getLabelSelectorMap())) {
                    b.addStats(stats(r));
                }
            }
            return b.build();
        });
    }

    private ContainerStats stats(ContainerRecord r) {
        return StatsMessages.container(containers, r);
    }

    @Override
    public void reopenContainerLog(ReopenContainerLogRequest req, StreamObserver<ReopenContainerLogResponse> out) {
        answer(out, () -> {
            containers.reopenLog(req.getContainerId());
            return ReopenContainerLogResponse.getDefaultInstance();
        });
    }

    private static PodSandboxState state(SandboxRecord r) {
        return r.state().equals(SandboxRecord.READY) ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
    }

    private static ContainerState state(ContainerRecord r) {
        return switch (r.state()) {
            case ContainerRecord.CREATED -> ContainerState.CONTAINER_CREATED;
            case ContainerRecord.RUNNING -> ContainerState.CONTAINER_RUNNING;
            case ContainerRecord.EXITED -> ContainerState.CONTAINER_EXITED;
            default -> ContainerState.CONTAINER_UNKNOWN;
        };
    }

    static boolean matches(Map<String, String> labels, Map<String, String> selector) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    static <T> void answer(StreamObserver<T> out, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (io.grpc.StatusRuntimeException e) {
            out.onError(e);
            return;
        } catch (NotFoundException e) {
            out.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (IllegalArgumentException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (IllegalStateException e) {
            out.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (CniException e) {
            out.onError(Status.UNKNOWN.withDescription("network: " + e.getMessage()).asRuntimeException());
            return;
        } catch (OciRuntimeException e) {
            out.onError(Status.UNKNOWN.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
            return;
        }
        out.onNext(value);
        out.onCompleted();
    }
}
