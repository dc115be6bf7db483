package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cri.api.v1.RuntimeServiceGrpc;
import dev.keelson.cri.api.v1.VersionRequest;
import dev.keelson.cri.api.v1.VersionResponse;
import dev.keelson.testing.KernelTest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keelson cri} as a separate process, as an operator starts it: it listens on the given
 * socket (mode 0660), answers a kubelet-style gRPC client, and stops on SIGTERM removing the socket.
 */
@KernelTest
class CriCommandTest {
    @TempDir
    Path tmp;

    @Test
    void servesTheRuntimeApiOnItsSocketAndStopsOnSigterm() throws Exception {
        Path socket = tmp.resolve("run/keelson.sock");
        Path log = tmp.resolve("cri.log");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Dkeelson.libexec=" + System.getProperty("keelson.libexec"), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "cri", "--socket", socket.toString(), "--root", tmp.resolve("root").toString(),
                "--cni-conf-dir", tmp.resolve("net.d").toString(), "--debug")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long end = System.currentTimeMillis() + 30_000;
            while (!Files.exists(socket) && p.isAlive() && System.currentTimeMillis() < end) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(socket), "no socket (alive " + p.isAlive() + "); log:\n" + Files.readString(log));
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            ManagedChannel ch = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollDomainSocketChannel.class).withOption(ChannelOption.SO_KEEPALIVE, null)
                    .eventLoopGroup(group).usePlaintext().build();
            try {
                VersionResponse v = RuntimeServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .version(VersionRequest.newBuilder().setVersion("v1").build());
                assertEquals("keelson", v.getRuntimeName());
                assertEquals("v1", v.getRuntimeApiVersion());
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        } finally {
            p.destroy(); // SIGTERM
        }
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "did not stop on SIGTERM");
        String out = Files.readString(log);
        assertTrue(out.contains("listening on " + socket), out);
        assertTrue(out.contains("Version"), "--debug logs the RPC:\n" + out);
        assertFalse(Files.exists(socket), "the socket is removed on shutdown");
    }
}
