package dev.keelson.cri.server;

import dev.keelson.cri.api.v1.ImageServiceGrpc;
import dev.keelson.cri.api.v1.RuntimeServiceGrpc;
import io.grpc.Server;
import io.grpc.ServiceDescriptor;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The CRI gRPC server: {@code runtime.v1.RuntimeService} and {@code runtime.v1.ImageService} on a
 * Unix socket, HTTP/2 over Netty's epoll domain-socket transport.
 *
 * <p>RPCs are answered by {@link CriArea}s through an {@link RpcRouter}; an RPC no area claims
 * answers {@code UNIMPLEMENTED} with "{@code <Rpc> is not implemented yet}". Handlers run on
 * virtual threads (they block on files and child processes; namespace work must still go
 * through {@code NetNamespace.run}, which uses a platform thread).
 *
 * <pre>{@code
 * try (CriServer s = CriServer.start(CriServer.DEFAULT_SOCKET, List.of(new RuntimeInfoArea(check)))) {
 *     s.awaitTermination();
 * }
 * }</pre>
 */
public final class CriServer implements AutoCloseable {
    /** Where the kubelet and crictl are pointed by default ({@code unix:///run/keelson/keelson.sock}). */
    public static final Path DEFAULT_SOCKET = Path.of("/run/keelson/keelson.sock");
    /** How long {@link #close()} lets calls in flight finish before cancelling them. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
    /** The services served, in the order of {@code api.proto}. */
    public static final List<ServiceDescriptor> SERVICES =
            List.of(RuntimeServiceGrpc.getServiceDescriptor(), ImageServiceGrpc.getServiceDescriptor());

    /** The sockets served by a CriServer of this JVM, each with its in-process server's name. */
    private static final java.util.Map<Path, String> IN_PROCESS = new java.util.concurrent.ConcurrentHashMap<>();

    private final SocketFile socket;
    private final Server server;
    private final Server inProcess;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService handlers;
    private final RpcRouter router;
    private final Duration grace;
    private boolean closed;

    private CriServer(SocketFile socket, Server server, Server inProcess, EventLoopGroup boss, EventLoopGroup workers,
                      ExecutorService handlers, RpcRouter router, Duration grace) {
        this.socket = socket;
        this.server = server;
        this.inProcess = inProcess;
        this.boss = boss;
        this.workers = workers;
        this.handlers = handlers;
        this.router = router;
        this.grace = grace;
    }

    /** Serves only the runtime-info RPCs, with {@code network} deciding NetworkReady. */
    public static CriServer start(Path socket, NetworkCheck network) throws IOException {
        return start(socket, List.of(new RuntimeInfoArea(network)), DEFAULT_GRACE);
    }

    /**
     * Binds {@code socket} (parent directory created, a stale socket replaced, mode 0660) and serves
     * the given areas.
     *
     * @throws SocketInUseException another server is listening on {@code socket}
     * @throws java.nio.file.FileAlreadyExistsException {@code socket} exists and is not a socket
     * @throws IOException the directory cannot be created or the bind fails
     * @throws IllegalArgumentException two areas claim one RPC, or an area names an RPC that does not exist
     */
    public static CriServer start(Path socket, List<CriArea> areas, Duration grace) throws IOException {
        RpcRouter router = new RpcRouter(areas);
        router.checkKnown(SERVICES);
        SocketFile file = SocketFile.prepare(socket);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("keelson-cri-accept", true),
                EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("keelson-cri-io", true),
                EpollIoHandler.newFactory());
        ExecutorService handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("keelson-cri-rpc-", 0).factory());
        NettyServerBuilder b = NettyServerBuilder.forAddress(new DomainSocketAddress(file.bindPath().toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                // grpc sets SO_KEEPALIVE on accepted channels; AF_UNIX has no such option and Netty
                // would log a warning per connection. HTTP/2 keepalive pings still work.
                .withChildOption(ChannelOption.SO_KEEPALIVE, null)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(handlers);
        String name = "keelson-cri:" + file.path() + "#" + System.nanoTime();
        // the same services for clients in this JVM: no socket, no HTTP/2 framing, and protobuf
        // messages handed over as objects, answered on the caller's thread
        InProcessServerBuilder local = InProcessServerBuilder.forName(name).directExecutor();
        for (ServiceDescriptor s : SERVICES) {
            b.addService(router.route(s));
            local.addService(router.route(s));
        }
        Server server = b.build();
        Server inProcess = local.build();
        try {
            server.start();
            inProcess.start();
            file.bound();
        } catch (IOException | RuntimeException e) {
            server.shutdownNow();
            inProcess.shutdownNow();
            release(boss, workers, handlers);
            throw new IOException("cannot serve CRI on " + file.path() + ": " + e.getMessage(), e);
        }
        IN_PROCESS.put(file.path(), name);
        return new CriServer(file, server, inProcess, boss, workers, handlers, router, grace);
    }

    /**
     * The in-process name under which a CriServer of this JVM serves {@code socket}, for
     * {@code InProcessChannelBuilder}; empty when no server of this JVM serves it.
     */
    public static java.util.Optional<String> inProcessName(Path socket) {
        return java.util.Optional.ofNullable(IN_PROCESS.get(socket.toAbsolutePath().normalize()));
    }

    /** The socket path (absolute). */
    public Path socket() {
        return socket.path();
    }

    /** The RPC names of {@code service} that some area answers; the others are UNIMPLEMENTED. */
    public Set<String> implemented(ServiceDescriptor service) {
        return router.implemented(service);
    }

    /** Blocks until the server has been closed (by {@link #close()} from another thread). */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /**
     * Graceful stop: no new connections or calls, calls in flight get the grace period to finish,
     * then are cancelled; the event loops and handler threads end and the socket file is removed.
     * Idempotent.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IN_PROCESS.remove(socket.path(), IN_PROCESS.get(socket.path()));
        inProcess.shutdown();
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            inProcess.shutdownNow();
            release(boss, workers, handlers);
            socket.remove();
        }
    }

    private static void release(EventLoopGroup boss, EventLoopGroup workers, ExecutorService handlers) {
        // No quiet period: the server is already closed, nothing new can be submitted to the loops.
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        handlers.shutdownNow();
    }
}
