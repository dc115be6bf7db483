package dev.keelson.cri.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cni.invoke.CniInvoker;
import dev.keelson.cni.invoke.ConfDir;
import dev.keelson.cni.invoke.PluginRunner;
import dev.keelson.cri.api.v1.AttachRequest;
import dev.keelson.cri.api.v1.ContainerConfig;
import dev.keelson.cri.api.v1.ContainerMetadata;
import dev.keelson.cri.api.v1.ContainerState;
import dev.keelson.cri.api.v1.ContainerStatusRequest;
import dev.keelson.cri.api.v1.CreateContainerRequest;
import dev.keelson.cri.api.v1.ExecRequest;
import dev.keelson.cri.api.v1.ImageSpec;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.api.v1.PodSandboxMetadata;
import dev.keelson.cri.api.v1.PortForwardRequest;
import dev.keelson.cri.api.v1.RunPodSandboxRequest;
import dev.keelson.cri.api.v1.StartContainerRequest;
import dev.keelson.cri.container.ContainerManager;
import dev.keelson.cri.container.DirectoryRootfs;
import dev.keelson.cri.image.LocalBusyboxImage;
import dev.keelson.cri.oci.RuntimeHandler;
import dev.keelson.cri.sandbox.Cgroups;
import dev.keelson.cri.sandbox.RuntimeSettings;
import dev.keelson.cri.sandbox.SandboxManager;
import dev.keelson.cri.server.CriClient;
import dev.keelson.cri.server.CriServer;
import dev.keelson.cri.server.PodArea;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming Exec and PortForward end to end: a pod on real runc (bridge + host-local in-process),
 * the RPCs over the real socket, then the returned URL over real HTTP with SPDY/3.1 (as crictl
 * and client-go's SPDY executor speak it) or a WebSocket (java.net.http's client).
 */
@KernelTest
class StreamingTest {
    private static final Path LIBEXEC = Path.of("../native/target/bin").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private final Path socket = Path.of("/run/keelson-test/stream-" + System.nanoTime() + ".sock");
    private final String cgroupParent = "/keelson-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private SandboxManager sandboxes;
    private StreamArea streaming;
    private CriServer server;
    private CriClient client;
    private String pod;
    private String ctr;
    private Path rootfs;
    private PodSandboxConfig podConfig;

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("state"));
        rootfs = LocalBusyboxImage.writeRootfs(tmp.resolve("busybox"));
        Files.createDirectories(rootfs.resolve("www"));
        Files.writeString(rootfs.resolve("www/index.html"), "hello from the pod\n");
        Path conf = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(conf.resolve("10-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "podnet", "plugins": [
                  {"type": "bridge", "bridge": "ks0", "isGateway": true,
                   "ipam": {"type": "host-local", "subnet": "10.78.0.0/24", "dataDir": "%s"}}]}
                """.formatted(tmp.resolve("ipam")));
        RuntimeSettings settings = new RuntimeSettings(root, NetnsDirectory.system(), new ConfDir(conf),
                CniInvoker.create(List.of(tmp.resolve("bin")), tmp.resolve("cni-cache"), PluginRunner.DEFAULT_TIMEOUT,
                        PluginRunner.keelsonPlugins()),
                Map.of("", RuntimeHandler.runc("runc", root)), LIBEXEC, cgroupParent);
        sandboxes = new SandboxManager(settings);
        ContainerManager containers = new ContainerManager(sandboxes, new DirectoryRootfs());
        streaming = StreamArea.start(sandboxes, containers, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Duration.ofSeconds(2));
        server = CriServer.start(socket, List.of(new PodArea(sandboxes, containers), streaming), CriServer.DEFAULT_GRACE);
        client = new CriClient(socket);
        PodSandboxConfig pc = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("s").setNamespace("default").setUid("uid-s"))
                .setLogDirectory(tmp.resolve("logs").toString()).build();
        pod = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pc).build()).getPodSandboxId();
        podConfig = pc;
        ContainerConfig cc = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("app"))
                .setImage(ImageSpec.newBuilder().setImage(rootfs.toString()))
                .addAllCommand(List.of("sh", "-c", "httpd -p 127.0.0.1:8080 -h /www; exec sleep 3600"))
                .setLogPath("app.log").build();
        ctr = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod).setConfig(cc)
                .setSandboxConfig(pc).build()).getContainerId();
        // RunPodSandbox brings the pod's loopback up (as containerd does): port-forward dials 127.0.0.1 in the pod
        assertTrue(Command.ok("ip", "-n", "keelson-" + pod.substring(0, 16), "-o", "link", "show", "lo").contains("UP"),
                "the pod's lo is up");
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
    }

    @AfterEach
    void tearDown() throws IOException {
        for (var r : sandboxes.list()) {
            sandboxes.remove(r.id());
        }
        client.close();
        server.close();
        streaming.close();
        Cgroups.remove(cgroupParent);
    }

    private URI exec(boolean stdin, boolean stdout, boolean stderr, boolean tty, String... cmd) {
        return URI.create(client.runtime().exec(ExecRequest.newBuilder().setContainerId(ctr).addAllCmd(List.of(cmd))
                .setStdin(stdin).setStdout(stdout).setStderr(stderr).setTty(tty).build()).getUrl());
    }

    private static Map<String, String> type(String t) {
        return Map.of("streamtype", t);
    }

    @Test
    void execOverSpdyEchoesStdinAndSucceeds() throws Exception {
        URI url = exec(true, true, true, false, "cat");
        assertTrue(url.toString().startsWith(streaming.base() + "/exec/"), url.toString());
        try (SpdyTestClient c = new SpdyTestClient(url, "v4.channel.k8s.io", "v3.channel.k8s.io")) {
            assertTrue(c.status.contains(" 101 "), c.status);
            assertEquals("v4.channel.k8s.io", c.responseHeaders.get("x-stream-protocol-version"));
            int error = c.open(type("error"));
            int in = c.open(type("stdin"));
            int out = c.open(type("stdout"));
            int err = c.open(type("stderr"));
            c.send(in, "hello ", false);
            c.send(in, "spdy\n", true);
            assertEquals("hello spdy\n", c.await(out));
            assertEquals("", c.await(err));
            JsonNode status = JSON.readTree(c.await(error));
            assertEquals("Success", status.path("status").asText(), status.toString());
        }
    }

    /**
     * critest's attach case: a shell reading a stdin_once stdin; the client's command runs, the
     * client closes stdin, the shell sees end-of-file and exits, and the session ends with success.
     */
    @Test
    void attachOverSpdyWritesStdinReadsOutputAndEndsWithTheContainer() throws Exception {
        ContainerConfig cc = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("shell"))
                .setImage(ImageSpec.newBuilder().setImage(rootfs.toString())).addCommand("sh")
                .setStdin(true).setStdinOnce(true).setLogPath("shell.log").build();
        String shell = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod).setConfig(cc)
                .setSandboxConfig(podConfig).build()).getContainerId();
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(shell).build());
        Thread.sleep(300);
        assertEquals(ContainerState.CONTAINER_RUNNING, state(shell), "sh waits on its stdin, which stays open until attach");
        URI url = URI.create(client.runtime().attach(AttachRequest.newBuilder().setContainerId(shell).setStdin(true)
                .setStdout(true).setStderr(true).build()).getUrl());
        assertTrue(url.toString().startsWith(streaming.base() + "/attach/"), url.toString());
        try (SpdyTestClient c = new SpdyTestClient(url, "v4.channel.k8s.io")) {
            int error = c.open(type("error"));
            int in = c.open(type("stdin"));
            int out = c.open(type("stdout"));
            int err = c.open(type("stderr"));
            c.send(in, "echo hello; echo oops >&2\n", true);
            assertEquals("hello\n", c.await(out));
            assertEquals("oops\n", c.await(err));
            assertEquals("Success", JSON.readTree(c.await(error)).path("status").asText());
        }
        assertEquals(ContainerState.CONTAINER_EXITED, state(shell), "stdin_once: end-of-file after the client's stdin ended");
        assertTrue(Files.readString(tmp.resolve("logs/shell.log")).contains(" stdout F hello"), "attached output is logged too");

        io.grpc.StatusRuntimeException stopped = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
                () -> client.runtime().attach(AttachRequest.newBuilder().setContainerId(shell).setStdout(true).build()));
        assertEquals(io.grpc.Status.Code.FAILED_PRECONDITION, stopped.getStatus().getCode(), stopped.getMessage());
    }

    /**
     * {@code kubectl run -it}: a container created with a terminal gets one (its shim holds the
     * master), an attach with tty types into it and resizes it, its output is logged, and the
     * command's exit ends the container and the session.
     */
    @Test
    void attachWithTerminalTypesIntoTheContainersTerminalAndResizesIt() throws Exception {
        ContainerConfig cc = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("term"))
                .setImage(ImageSpec.newBuilder().setImage(rootfs.toString())).addCommand("sh")
                .setStdin(true).setTty(true).setLogPath("term.log").build();
        String term = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod).setConfig(cc)
                .setSandboxConfig(podConfig).build()).getContainerId();
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(term).build());
        URI url = URI.create(client.runtime().attach(AttachRequest.newBuilder().setContainerId(term).setStdin(true)
                .setStdout(true).setTty(true).build()).getUrl());
        try (SpdyTestClient c = new SpdyTestClient(url, "v4.channel.k8s.io")) {
            int error = c.open(type("error"));
            int in = c.open(type("stdin"));
            int out = c.open(type("stdout"));
            int resize = c.open(type("resize"));
            c.send(resize, "{\"Width\":101,\"Height\":41}", false);
            Thread.sleep(300); // the size travels on its own stream, through the shim's FIFO
            c.send(in, "stty size; tty; exit 3\r", false);
            String screen = c.await(out);
            assertTrue(screen.contains("41 101"), screen);
            assertTrue(screen.contains("/dev/pts/"), "the shell's stdio is a terminal: " + screen);
            assertEquals("Success", JSON.readTree(c.await(error)).path("status").asText());
        }
        assertEquals(ContainerState.CONTAINER_EXITED, state(term));
        assertEquals(3, client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(term).build())
                .getStatus().getExitCode());
        String log = Files.readString(tmp.resolve("logs/term.log"));
        assertTrue(log.contains(" stdout F 41 101"), "the terminal's output is logged as stdout: " + log);
    }

    /** A container with a terminal that closes it and opens it again by name still has its later output logged. */
    @Test
    void aContainerTerminalClosedAndReopenedKeepsItsOutput() throws Exception {
        ContainerConfig cc = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("reopen"))
                .setImage(ImageSpec.newBuilder().setImage(rootfs.toString()))
                .addAllCommand(List.of("sh", "-c", "t=$(tty); echo one; exec </dev/null >/dev/null 2>&1; sleep 0.4; echo two >$t; exit 4"))
                .setTty(true).setLogPath("reopen.log").build();
        String c = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod).setConfig(cc)
                .setSandboxConfig(podConfig).build()).getContainerId();
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(c).build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (state(c) != ContainerState.CONTAINER_EXITED && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(4, client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(c).build())
                .getStatus().getExitCode());
        String log = Files.readString(tmp.resolve("logs/reopen.log"));
        assertTrue(log.contains(" stdout F one") && log.contains(" stdout F two"), log);
    }

    private ContainerState state(String id) {
        return client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus().getState();
    }

    @Test
    void execOverSpdyReportsTheExitCodeAsKubeletDoes() throws Exception {
        try (SpdyTestClient c = new SpdyTestClient(exec(false, true, true, false, "sh", "-c", "echo out; echo err >&2; exit 7"),
                "v4.channel.k8s.io")) {
            int error = c.open(type("error"));
            int out = c.open(type("stdout"));
            int err = c.open(type("stderr"));
            assertEquals("out\n", c.await(out));
            assertEquals("err\n", c.await(err));
            JsonNode s = JSON.readTree(c.await(error));
            assertEquals("Failure", s.path("status").asText());
            assertEquals("NonZeroExitCode", s.path("reason").asText());
            assertEquals("ExitCode", s.path("details").path("causes").get(0).path("reason").asText());
            assertEquals("7", s.path("details").path("causes").get(0).path("message").asText());
        }
    }

    // Was disabled after a "no terminal" failure seen only in loaded full-class runs; re-enabled after
    // 4 of 4 full-class runs passed (2 of them beside two busy loops). The cause was not identified.
    @Test
    @org.junit.jupiter.api.Timeout(120) // once seen hanging on a machine under load 13-15; fail rather than stall the suite
    void execWithTerminalOverSpdyGetsAPtyAndResizes() throws Exception {
        try (SpdyTestClient c = new SpdyTestClient(exec(true, true, false, true, "sh", "-c",
                "tty; read x; stty size; exit 3"), "v4.channel.k8s.io")) {
            int error = c.open(type("error"));
            int in = c.open(type("stdin"));
            int out = c.open(type("stdout"));
            int resize = c.open(type("resize"));
            c.send(resize, "{\"Width\":101,\"Height\":41}", false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!c.text(out).contains("/dev/pts/") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(c.text(out).contains("/dev/pts/"), "no terminal: " + c.text(out) + " / " + c.text(error));
            Thread.sleep(200); // the resize travels on its own stream
            c.send(in, "go\r", false);
            String screen = c.await(out);
            assertTrue(screen.contains("/dev/pts/"), screen);
            assertTrue(screen.contains("41 101"), screen);
            assertEquals("3", JSON.readTree(c.await(error)).path("details").path("causes").get(0).path("message").asText());
        }
    }

    /**
     * The output written right before the command exits reaches the client, every time: 20 terminal
     * sessions that each print, read a typed line, echo it and exit at once.
     */
    @Test
    void execWithTerminalDeliversTheLastOutputBeforeTheExit() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (SpdyTestClient c = new SpdyTestClient(exec(true, true, false, true, "sh", "-c",
                    "tty; read x; echo got:$x; exit 3"), "v4.channel.k8s.io")) {
                int error = c.open(type("error"));
                int in = c.open(type("stdin"));
                int out = c.open(type("stdout"));
                c.open(type("resize"));
                awaitText(c, out, "/dev/pts/");
                c.send(in, "hi" + i + "\r", false);
                String screen = c.await(out);
                assertTrue(screen.contains("got:hi" + i), "session " + i + ": " + screen);
                assertEquals("3", JSON.readTree(c.await(error)).path("details").path("causes").get(0).path("message").asText());
            }
        }
    }

    /**
     * A command that closes every descriptor of its terminal and later opens it again by name still
     * has its output delivered: the master is not given up when the terminal has no opener for a while.
     */
    @Test
    void execWithTerminalKeepsReadingWhileTheCommandHasTheTerminalClosed() throws Exception {
        try (SpdyTestClient c = new SpdyTestClient(exec(false, true, false, true, "sh", "-c",
                "t=$(tty); echo one; exec </dev/null >/dev/null 2>&1; sleep 0.5; echo two >$t; exit 4"), "v4.channel.k8s.io")) {
            int error = c.open(type("error"));
            int out = c.open(type("stdout"));
            c.open(type("resize"));
            String screen = c.await(out);
            assertTrue(screen.contains("one") && screen.contains("two"), screen);
            assertEquals("4", JSON.readTree(c.await(error)).path("details").path("causes").get(0).path("message").asText());
        }
    }

    private static void awaitText(SpdyTestClient c, int stream, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.text(stream).contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(c.text(stream).contains(text), "never shown: " + text + " in " + c.text(stream));
    }

    @Test
    void execOverWebSocketV5ClosesStdinAndReportsTheExitCode() throws Exception {
        URI url = exec(true, true, true, false, "sh", "-c", "read x; echo got $x; cat; exit 4");
        Map<Integer, StringBuilder> got = new ConcurrentHashMap<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("v5.channel.k8s.io")
                .buildAsync(URI.create("ws" + url.toString().substring(4)), new WebSocket.Listener() {
                    private final java.io.ByteArrayOutputStream msg = new java.io.ByteArrayOutputStream();

                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        byte[] b = new byte[data.remaining()];
                        data.get(b);
                        msg.writeBytes(b);
                        if (last) {
                            byte[] m = msg.toByteArray();
                            msg.reset();
                            got.computeIfAbsent(m[0] & 0xFF, k -> new StringBuilder())
                                    .append(new String(m, 1, m.length - 1, StandardCharsets.UTF_8));
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                        closed.complete(null);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        assertEquals("v5.channel.k8s.io", ws.getSubprotocol());
        ws.sendBinary(ByteBuffer.wrap("\0one\n".getBytes(StandardCharsets.UTF_8)), true).get();
        ws.sendBinary(ByteBuffer.wrap("\0two".getBytes(StandardCharsets.UTF_8)), true).get();
        ws.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 255, 0}), true).get(); // v5: close stdin
        closed.get(20, TimeUnit.SECONDS);
        assertEquals("got one\ntwo", got.get(1).toString());
        JsonNode s = JSON.readTree(got.get(3).toString());
        assertEquals("4", s.path("details").path("causes").get(0).path("message").asText(), s.toString());
    }

    @Test
    void portForwardOverSpdyReachesLoopbackInsideThePod() throws Exception {
        URI url = URI.create(client.runtime().portForward(PortForwardRequest.newBuilder().setPodSandboxId(pod)
                .addPort(8080).build()).getUrl());
        try (SpdyTestClient c = new SpdyTestClient(url, "portforward.k8s.io")) {
            assertTrue(c.status.contains(" 101 "), c.status);
            String reply = "";
            for (int attempt = 0; attempt < 50 && !reply.contains("hello from the pod"); attempt++) {
                // httpd may not listen yet right after StartContainer
                int error = c.open(Map.of("streamtype", "error", "port", "8080", "requestid", "" + attempt));
                int data = c.open(Map.of("streamtype", "data", "port", "8080", "requestid", "" + attempt));
                c.send(data, "GET /index.html HTTP/1.0\r\n\r\n", true);
                reply = c.await(data) + c.await(error);
                if (!reply.contains("hello")) {
                    Thread.sleep(100);
                }
            }
            assertTrue(reply.startsWith("HTTP/1.") && reply.contains("hello from the pod"), reply + " / "
                    + Files.readString(tmp.resolve("logs/app.log")));
            int error = c.open(Map.of("streamtype", "error", "port", "9", "requestid", "x"));
            int data = c.open(Map.of("streamtype", "data", "port", "9", "requestid", "x"));
            assertTrue(c.await(error).contains("forwarding 9"), c.text(error));
            assertEquals("", c.await(data));
        }
    }

    @Test
    void unknownUsedAndExpiredTokensAre404() throws Exception {
        URI url = exec(false, true, false, false, "true");
        try (SpdyTestClient c = new SpdyTestClient(url.resolve("/exec/nosuchtoken"), "v4.channel.k8s.io")) {
            assertTrue(c.status.contains(" 404 "), c.status);
        }
        try (SpdyTestClient c = new SpdyTestClient(url, "v4.channel.k8s.io")) {
            int error = c.open(type("error"));
            c.open(type("stdout"));
            assertEquals("Success", JSON.readTree(c.await(error)).path("status").asText());
        }
        try (SpdyTestClient again = new SpdyTestClient(url, "v4.channel.k8s.io")) {
            assertTrue(again.status.contains(" 404 "), "a token is good for one connection: " + again.status);
        }
        URI late = exec(false, true, false, false, "true");
        Thread.sleep(2500); // the test area's tokens live 2 s
        try (SpdyTestClient c = new SpdyTestClient(late, "v4.channel.k8s.io")) {
            assertTrue(c.status.contains(" 404 "), c.status);
        }
    }

    @Test
    void noCommonProtocolIs403AndNoUpgradeIs400() throws Exception {
        try (SpdyTestClient c = new SpdyTestClient(exec(false, true, false, false, "true"), "v9.channel.k8s.io")) {
            assertTrue(c.status.contains(" 403 "), c.status);
            assertTrue(c.body().contains("v4.channel.k8s.io"));
        }
        var resp = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(exec(false, true, false, false, "true"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, resp.statusCode());
    }

    @Test
    void badExecRequestsAreRefusedWithCodes() {
        assertCode(Status.Code.INVALID_ARGUMENT, () -> exec(false, false, false, false, "true"));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> exec(false, true, true, true, "true"));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> exec(false, true, false, false));
        assertCode(Status.Code.NOT_FOUND, () -> client.runtime().exec(ExecRequest.newBuilder().setContainerId("nope")
                .addCmd("true").setStdout(true).build()));
        assertCode(Status.Code.NOT_FOUND, () -> client.runtime().portForward(PortForwardRequest.newBuilder()
                .setPodSandboxId("nope").build()));
    }

    private static void assertCode(Status.Code code, Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
            return;
        }
        throw new AssertionError("expected " + code);
    }
}
