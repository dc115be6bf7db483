package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cri.api.v1.ImageServiceGrpc;
import dev.keelson.cri.api.v1.RuntimeServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code keelson cri} as a separate process of a test (this JVM and class path, the CLI's main),
 * and a grpc-java client on its socket, as a kubelet dials it.
 */
final class CriProcess implements AutoCloseable {
    final Path socket;
    final Path log;
    final Process process;
    private EventLoopGroup group;
    private ManagedChannel channel;

    /** Starts {@code keelson cri --socket SOCKET ARGS...} with its output in {@code log}. */
    CriProcess(Path socket, Path log, String... args) throws IOException {
        this.socket = socket;
        this.log = log;
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Dkeelson.libexec=" + System.getProperty("keelson.libexec"), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "cri", "--socket", socket.toString()));
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Waits up to 30 s for the socket file. */
    CriProcess awaitSocket() throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + 30_000;
        while (!Files.exists(socket) && process.isAlive() && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(socket), "no socket (alive " + process.isAlive() + "); log:\n" + Files.readString(log));
        return this;
    }

    /** Waits until the log says the server listens (after a restart the old socket file is already there). */
    CriProcess awaitListening(int times) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + 30_000;
        while (Files.readString(log).split("listening on", -1).length - 1 < times && process.isAlive()
                && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        assertTrue(process.isAlive(), "keelson cri exited; log:\n" + Files.readString(log));
        return this;
    }

    private ManagedChannel channel() {
        if (channel == null) {
            group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollDomainSocketChannel.class).withOption(ChannelOption.SO_KEEPALIVE, null)
                    .eventLoopGroup(group).usePlaintext().build();
        }
        return channel;
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** Closes the client; the process is left to the caller (SIGTERM, SIGKILL). */
    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
