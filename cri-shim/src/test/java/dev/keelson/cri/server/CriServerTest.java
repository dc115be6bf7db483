package dev.keelson.cri.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cri.api.v1.CgroupDriver;
import dev.keelson.cri.api.v1.GetEventsRequest;
import dev.keelson.cri.api.v1.ImageServiceGrpc;
import dev.keelson.cri.api.v1.ListImagesRequest;
import dev.keelson.cri.api.v1.ListImagesResponse;
import dev.keelson.cri.api.v1.PullImageRequest;
import dev.keelson.cri.api.v1.RunPodSandboxRequest;
import dev.keelson.cri.api.v1.RuntimeConfigRequest;
import dev.keelson.cri.api.v1.RuntimeCondition;
import dev.keelson.cri.api.v1.StatusRequest;
import dev.keelson.cri.api.v1.VersionRequest;
import dev.keelson.cri.api.v1.VersionResponse;
import dev.keelson.testing.KernelTest;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server over a real Unix socket under the test JVM's private {@code /run}, driven by a plain
 * grpc-java client: runtime info RPCs, UNIMPLEMENTED answers, the socket file's life cycle.
 */
@KernelTest
class CriServerTest {
    @TempDir
    Path tmp;
    private final Path socket = Path.of("/run/keelson-test/" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".sock");
    private CriServer server;

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static Map<String, RuntimeCondition> conditions(CriClient c) {
        return c.runtime().status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList().stream()
                .collect(Collectors.toMap(RuntimeCondition::getType, Function.identity()));
    }

    private CniNetworkCheck cni(Path confDir) {
        return CniNetworkCheck.of(confDir, List.of(tmp.resolve("bin")), tmp.resolve("cache"));
    }

    private void plugin(String name, String body) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/bin/sh\ncat >/dev/null\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Path confDir(String pluginType) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(dir.resolve("10-pods.conflist"), """
                {"cniVersion":"1.1.0","name":"pods","plugins":[{"type":"loopback"},{"type":"%s"}]}
                """.formatted(pluginType));
        return dir;
    }

    @Test
    void versionNamesKeelsonAndApiV1OnTheDefaultSocket() throws Exception {
        server = CriServer.start(CriServer.DEFAULT_SOCKET, () -> NetworkCheck.Readiness.isReady());
        try (CriClient c = new CriClient(CriServer.DEFAULT_SOCKET)) {
            VersionResponse v = c.runtime().version(VersionRequest.newBuilder().setVersion("v1").build());
            assertEquals("keelson", v.getRuntimeName());
            assertEquals("v1", v.getRuntimeApiVersion());
            assertEquals("0.1.0", v.getVersion());
            assertEquals(RuntimeInfoArea.jarVersion(), v.getRuntimeVersion());
            assertFalse(v.getRuntimeVersion().isEmpty());
        }
    }

    @Test
    void statusWithoutCniConfigIsRuntimeReadyButNetworkNotReadyNamingTheConfDir() throws Exception {
        Path missing = tmp.resolve("no-net.d");
        server = CriServer.start(socket, cni(missing));
        try (CriClient c = new CriClient(socket)) {
            Map<String, RuntimeCondition> cond = conditions(c);
            assertTrue(cond.get("RuntimeReady").getStatus());
            RuntimeCondition net = cond.get("NetworkReady");
            assertFalse(net.getStatus());
            assertEquals("NetworkPluginNotReady", net.getReason());
            assertEquals("cni config uninitialized: no network config found in " + missing, net.getMessage());
        }
    }

    @Test
    void statusIsNetworkReadyWhenEveryPluginOfTheDefaultNetworkAnswersStatus() throws Exception {
        plugin("up", "[ \"$CNI_COMMAND\" = STATUS ] || exit 9\nexit 0\n");
        server = CriServer.start(socket, cni(confDir("up")));
        try (CriClient c = new CriClient(socket)) {
            RuntimeCondition net = conditions(c).get("NetworkReady");
            assertTrue(net.getStatus(), net.getMessage());
            assertEquals("", net.getReason());
        }
    }

    @Test
    void statusIsNetworkNotReadyWithThePluginsErrorWhenCniStatusFails() throws Exception {
        plugin("down", "echo '{\"cniVersion\":\"1.1.0\",\"code\":50,\"msg\":\"uplink eth9 is down\"}'\nexit 1\n");
        server = CriServer.start(socket, cni(confDir("down")));
        try (CriClient c = new CriClient(socket)) {
            RuntimeCondition net = conditions(c).get("NetworkReady");
            assertFalse(net.getStatus());
            assertEquals("NetworkPluginNotReady", net.getReason());
            assertTrue(net.getMessage().startsWith("network \"pods\" is not ready: "), net.getMessage());
            assertTrue(net.getMessage().contains("uplink eth9 is down"), net.getMessage());
        }
    }

    @Test
    void runtimeConfigReportsTheCgroupfsDriver() throws Exception {
        server = CriServer.start(socket, () -> NetworkCheck.Readiness.isReady());
        try (CriClient c = new CriClient(socket)) {
            assertEquals(CgroupDriver.CGROUPFS,
                    c.runtime().runtimeConfig(RuntimeConfigRequest.getDefaultInstance()).getLinux().getCgroupDriver());
        }
    }

    @Test
    void unclaimedRpcsAnswerUnimplementedNamingTheRpc() throws Exception {
        server = CriServer.start(socket, () -> NetworkCheck.Readiness.isReady());
        try (CriClient c = new CriClient(socket)) {
            StatusRuntimeException run = assertThrows(StatusRuntimeException.class,
                    () -> c.runtime().runPodSandbox(RunPodSandboxRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNIMPLEMENTED, run.getStatus().getCode());
            assertEquals("RunPodSandbox is not implemented yet", run.getStatus().getDescription());
            StatusRuntimeException pull = assertThrows(StatusRuntimeException.class,
                    () -> c.images().pullImage(PullImageRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNIMPLEMENTED, pull.getStatus().getCode());
            assertEquals("PullImage is not implemented yet", pull.getStatus().getDescription());
            // a server-streaming RPC is answered the same way
            StatusRuntimeException events = assertThrows(StatusRuntimeException.class,
                    () -> c.runtime().getContainerEvents(GetEventsRequest.getDefaultInstance()).hasNext());
            assertEquals(Status.Code.UNIMPLEMENTED, events.getStatus().getCode());
            assertEquals("GetContainerEvents is not implemented yet", events.getStatus().getDescription());
        }
        assertEquals(Set.of("Version", "Status", "RuntimeConfig"),
                server.implemented(dev.keelson.cri.api.v1.RuntimeServiceGrpc.getServiceDescriptor()));
        assertEquals(Set.of(), server.implemented(ImageServiceGrpc.getServiceDescriptor()));
    }

    @Test
    void socketIsMode0660OwnedByRoot() throws Exception {
        server = CriServer.start(socket, () -> NetworkCheck.Readiness.isReady());
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("root", Files.getOwner(socket).getName());
        assertEquals(socket, server.socket());
    }

    @Test
    void missingDirectoriesAreCreatedSearchableButNotListableByOthers() throws Exception {
        Path nested = socket.resolveSibling(socket.getFileName() + ".d").resolve("a/b/cri.sock");
        server = CriServer.start(nested, () -> NetworkCheck.Readiness.isReady());
        assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.getParent())));
        assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.getParent().getParent())));
        try (CriClient c = new CriClient(nested)) {
            assertEquals("v1", c.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeApiVersion());
        }
    }

    @Test
    void aSecondServerOnALiveSocketIsRefusedAndTheFirstKeepsServing() throws Exception {
        server = CriServer.start(socket, () -> NetworkCheck.Readiness.isReady());
        SocketInUseException e = assertThrows(SocketInUseException.class,
                () -> CriServer.start(socket, () -> NetworkCheck.Readiness.isReady()));
        assertEquals("another server is listening on " + socket + "; stop it first or use another socket path", e.getMessage());
        try (CriClient c = new CriClient(socket)) {
            assertEquals("keelson", c.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName());
        }
    }

    @Test
    void aStaleSocketFileIsReplacedButAnotherFileIsNot() throws Exception {
        Files.createDirectories(socket.getParent());
        // A socket nobody listens on any more: the JDK leaves the file behind when the channel closes.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));
        server = CriServer.start(socket, () -> NetworkCheck.Readiness.isReady());
        try (CriClient c = new CriClient(socket)) {
            assertEquals("keelson", c.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName());
        }
        server.close();
        server = null;

        Files.writeString(socket, "not a socket");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> CriServer.start(socket, () -> NetworkCheck.Readiness.isReady()));
        assertTrue(e.getMessage().contains("exists and is not a Unix socket"), e.getMessage());
        assertEquals("not a socket", Files.readString(socket), "a file that is not a socket is left alone");
        Files.delete(socket);
    }

    @Test
    void closeLetsACallInFlightFinishThenRemovesTheSocketAndItsThreads() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        SlowImages slow = new SlowImages(entered, Duration.ofMillis(300));
        server = CriServer.start(socket, List.of(new RuntimeInfoArea(() -> NetworkCheck.Readiness.isReady()), slow),
                Duration.ofSeconds(5));
        try (CriClient c = new CriClient(socket)) {
            CompletableFuture<ListImagesResponse> answer = new CompletableFuture<>();
            c.imagesAsync().listImages(ListImagesRequest.getDefaultInstance(), observer(answer));
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            server.close();
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(200),
                    "close waited for the call in flight");
            assertEquals(0, answer.get(1, TimeUnit.SECONDS).getImagesCount(), "the call in flight completed normally");
            assertFalse(Files.exists(socket), "socket file removed");
            StatusRuntimeException after = assertThrows(StatusRuntimeException.class,
                    () -> c.runtime().version(VersionRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, after.getStatus().getCode());
        }
        server.close(); // idempotent
        server = null;
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("keelson-cri-")).map(Thread::getName).toList());
    }

    private static <T> StreamObserver<T> observer(CompletableFuture<T> f) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                f.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                f.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                f.complete(null);
            }
        };
    }

    /** An image area whose ListImages takes a while, to have a call in flight at close. */
    private static final class SlowImages implements CriArea, ImageServiceGrpc.AsyncService {
        private final CountDownLatch entered;
        private final Duration delay;

        SlowImages(CountDownLatch entered, Duration delay) {
            this.entered = entered;
            this.delay = delay;
        }

        @Override
        public String name() {
            return "slow images";
        }

        @Override
        public Set<String> rpcs() {
            return Set.of("ListImages");
        }

        @Override
        public List<ServerServiceDefinition> services() {
            return List.of(ImageServiceGrpc.bindService(this));
        }

        @Override
        public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> response) {
            entered.countDown();
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            response.onNext(ListImagesResponse.getDefaultInstance());
            response.onCompleted();
        }
    }
}
