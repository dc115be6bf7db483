package dev.keelson.node.cri;

import dev.keelson.cri.api.v1.ImageServiceGrpc;
import dev.keelson.cri.api.v1.RuntimeServiceGrpc;
import dev.keelson.cri.api.v1.VersionRequest;
import dev.keelson.cri.api.v1.VersionResponse;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC channel to a CRI endpoint's Unix socket ({@code runtime.v1} RuntimeService and
 * ImageService), the way the kubelet dials containerd or CRI-O: only the wire API, so any runtime
 * works. Every call gets a deadline; image pulls get a longer one.
 */
public final class CriConnection implements AutoCloseable {
    /** Deadline of ordinary runtime calls (the kubelet's runtime-request-timeout is 2 min; ours is shorter). */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** Deadline of image pulls. */
    public static final Duration PULL_TIMEOUT = Duration.ofMinutes(5);

    private final Path socket;
    private final EventLoopGroup group;
    private final ManagedChannel channel;

    private CriConnection(Path socket) {
        this.socket = socket;
        java.util.Optional<String> local = dev.keelson.cri.server.CriServer.inProcessName(socket);
        if (local.isPresent()) {
            // Keelson's runtime serves this socket from this very JVM (keelson up): the same API,
            // without the socket and HTTP/2 framing in between
            this.group = null;
            this.channel = InProcessChannelBuilder.forName(local.get()).directExecutor().maxInboundMessageSize(16 << 20).build();
            return;
        }
        this.group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                // grpc asks every transport for SO_KEEPALIVE; AF_UNIX has none (Netty would warn per connection)
                .withOption(ChannelOption.SO_KEEPALIVE, null)
                .eventLoopGroup(group)
                .usePlaintext()
                .maxInboundMessageSize(16 << 20)
                .build();
    }

    /** Opens a channel to {@code socket} (connecting lazily, on the first call). */
    public static CriConnection open(Path socket) {
        return new CriConnection(socket);
    }

    /** The socket this connection dials. */
    public Path socket() {
        return socket;
    }

    /** A RuntimeService stub with the ordinary deadline. */
    public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return runtime(CALL_TIMEOUT);
    }

    /** A RuntimeService stub with a given deadline (StopContainer waits for its grace period). */
    public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime(Duration deadline) {
        return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** An ImageService stub; pulls may take minutes. */
    public ImageServiceGrpc.ImageServiceBlockingStub images(Duration deadline) {
        return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The runtime's Version (its name becomes the {@code <runtime>://} prefix of container ids). */
    public VersionResponse version() {
        return runtime().version(VersionRequest.newBuilder().setVersion("v1").build());
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
