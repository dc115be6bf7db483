package dev.keelson.bench.cri;

import dev.keelson.cri.api.v1.ContainerConfig;
import dev.keelson.cri.api.v1.ContainerMetadata;
import dev.keelson.cri.api.v1.CreateContainerRequest;
import dev.keelson.cri.api.v1.ImageServiceGrpc;
import dev.keelson.cri.api.v1.ImageSpec;
import dev.keelson.cri.api.v1.ListPodSandboxRequest;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.api.v1.PodSandboxMetadata;
import dev.keelson.cri.api.v1.PullImageRequest;
import dev.keelson.cri.api.v1.RemoveImageRequest;
import dev.keelson.cri.api.v1.RemovePodSandboxRequest;
import dev.keelson.cri.api.v1.RunPodSandboxRequest;
import dev.keelson.cri.api.v1.RuntimeServiceGrpc;
import dev.keelson.cri.api.v1.StartContainerRequest;
import dev.keelson.cri.api.v1.StopContainerRequest;
import dev.keelson.cri.api.v1.StopPodSandboxRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One CRI runtime as the benchmark drives it: a grpc-java channel on its Unix socket (as a kubelet
 * dials it) and the requests of one pod's life, built the same for every runtime. Each call blocks
 * until the runtime answers, so its duration is the RPC's latency as a client sees it.
 */
final class CriEndpoint implements AutoCloseable {
    private static final long DEADLINE_SECONDS = 120;

    final String name;
    private final Path logDir;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final ManagedChannel channel;

    CriEndpoint(String name, Path socket, Path logDir) {
        this.name = name;
        this.logDir = logDir;
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                // grpc asks every transport for SO_KEEPALIVE; AF_UNIX has none
                .withOption(ChannelOption.SO_KEEPALIVE, null)
                .eventLoopGroup(group).usePlaintext().build();
    }

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /** The sandbox config of pod {@code pod}: metadata, hostname and log directory only, as crictl's minimal pod. */
    PodSandboxConfig pod(String pod) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(pod).setNamespace("bench").setUid("uid-" + pod))
                .setHostname(pod).setLogDirectory(logDir.resolve(pod).toString()).build();
    }

    String runPodSandbox(PodSandboxConfig pod) {
        return runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
    }

    /** A container running {@code sleep 3600} from {@code image}. */
    String createContainer(String podId, PodSandboxConfig pod, String image) {
        ContainerConfig c = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("main"))
                .setImage(ImageSpec.newBuilder().setImage(image)).addAllCommand(List.of("sleep", "3600"))
                .setLogPath("main.log").build();
        return runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId).setConfig(c)
                .setSandboxConfig(pod).build()).getContainerId();
    }

    void startContainer(String id) {
        runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    }

    /** StopContainer with timeout 0: SIGKILL at once, no grace period, on both runtimes. */
    void stopContainer(String id) {
        runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
    }

    void stopPodSandbox(String id) {
        runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }

    void removePodSandbox(String id) {
        runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }

    void pullImage(String image) {
        images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
    }

    void removeImage(String image) {
        images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
    }

    /** Stops and removes every sandbox the runtime lists (the run's cleanup). */
    void removeAll() {
        for (var s : runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            stopPodSandbox(s.getId());
            removePodSandbox(s.getId());
        }
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
