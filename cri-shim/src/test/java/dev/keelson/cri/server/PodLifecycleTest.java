package dev.keelson.cri.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.invoke.CniInvoker;
import dev.keelson.cni.invoke.ConfDir;
import dev.keelson.cni.invoke.PluginRunner;
import dev.keelson.cni.plugins.portmap.PortmapPlugin;
import dev.keelson.cni.skel.Skeleton;
import dev.keelson.cri.api.v1.ContainerConfig;
import dev.keelson.cri.api.v1.ContainerMetadata;
import dev.keelson.cri.api.v1.ContainerState;
import dev.keelson.cri.api.v1.ContainerStatus;
import dev.keelson.cri.api.v1.ContainerStatusRequest;
import dev.keelson.cri.api.v1.CreateContainerRequest;
import dev.keelson.cri.api.v1.DNSConfig;
import dev.keelson.cri.api.v1.ExecSyncRequest;
import dev.keelson.cri.api.v1.ExecSyncResponse;
import dev.keelson.cri.api.v1.ImageSpec;
import dev.keelson.cri.api.v1.ListContainersRequest;
import dev.keelson.cri.api.v1.ListPodSandboxRequest;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.api.v1.PodSandboxFilter;
import dev.keelson.cri.api.v1.PodSandboxMetadata;
import dev.keelson.cri.api.v1.PodSandboxState;
import dev.keelson.cri.api.v1.PodSandboxStatus;
import dev.keelson.cri.api.v1.PodSandboxStatusRequest;
import dev.keelson.cri.api.v1.RemoveContainerRequest;
import dev.keelson.cri.api.v1.RemovePodSandboxRequest;
import dev.keelson.cri.api.v1.RunPodSandboxRequest;
import dev.keelson.cri.api.v1.StartContainerRequest;
import dev.keelson.cri.api.v1.StopContainerRequest;
import dev.keelson.cri.api.v1.StopPodSandboxRequest;
import dev.keelson.cri.container.ContainerManager;
import dev.keelson.cri.container.DirectoryRootfs;
import dev.keelson.cri.image.LocalBusyboxImage;
import dev.keelson.cri.oci.RuntimeHandler;
import dev.keelson.cri.sandbox.Cgroups;
import dev.keelson.cri.sandbox.RuntimeSettings;
import dev.keelson.cri.sandbox.SandboxManager;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pods and containers end to end: a grpc-java client on the real socket, real runc and crun, the
 * CNI bridge + host-local plugins (in-process), cgroups under a test parent; every test checks that
 * removal leaves no netns pin, veth, IP file, runtime state, cgroup or state directory.
 */
@KernelTest
class PodLifecycleTest {
    private static final Path LIBEXEC = Path.of("../native/target/bin").toAbsolutePath().normalize();
    private static final Pattern CRI_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z (stdout|stderr) [FP] .*");

    @TempDir
    Path tmp;
    private final Path socket = Path.of("/run/keelson-test/pods-" + System.nanoTime() + ".sock");
    private final String cgroupParent = "/keelson-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private Path root;
    private Path rootfs;
    private Path ipamDir;
    private CriServer server;
    private CriClient client;
    private SandboxManager sandboxes;

    @BeforeEach
    void setUp() throws IOException, InterruptedException {
        root = Files.createDirectories(tmp.resolve("state"));
        rootfs = LocalBusyboxImage.writeRootfs(tmp.resolve("busybox"));
        ipamDir = tmp.resolve("ipam");
        Path conf = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(conf.resolve("10-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "podnet", "plugins": [
                  {"type": "bridge", "bridge": "kt0", "isGateway": true,
                   "ipam": {"type": "host-local", "subnet": "10.77.0.0/24", "dataDir": "%s"}}%s]}
                """.formatted(ipamDir, extraPlugin()));
        start(conf);
    }

    /** A second plugin in the chain, for the CNI failure test (empty otherwise). */
    String extraPlugin() {
        return "";
    }

    private void start(Path conf) throws IOException {
        RuntimeSettings settings = new RuntimeSettings(root, NetnsDirectory.system(), new ConfDir(conf),
                CniInvoker.create(List.of(tmp.resolve("bin")), tmp.resolve("cni-cache"), PluginRunner.DEFAULT_TIMEOUT, plugins()),
                Map.of("", RuntimeHandler.runc("runc", root), "crun", RuntimeHandler.crun("crun", root, LIBEXEC),
                        "crun-unmasked", new RuntimeHandler("crun-unmasked", Path.of("crun"), root.resolve("crun"))),
                LIBEXEC, cgroupParent);
        sandboxes = new SandboxManager(settings);
        ContainerManager containers = new ContainerManager(sandboxes, new DirectoryRootfs());
        server = CriServer.start(socket, List.of(new RuntimeInfoArea(() -> NetworkCheck.Readiness.isReady()),
                new PodArea(sandboxes, containers)), CriServer.DEFAULT_GRACE);
        client = new CriClient(socket);
    }

    @AfterEach
    void tearDown() throws IOException {
        // a failed test must not leave pods running
        for (var r : sandboxes.list()) {
            try {
                sandboxes.remove(r.id());
            } catch (RuntimeException e) {
                System.err.println("cleanup of sandbox " + r.id() + ": " + e);
            }
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        Cgroups.remove(cgroupParent);
    }

    /** Keelson's in-process plugins, with portmap (not in the default registry). */
    private static Map<String, Supplier<Skeleton>> plugins() {
        Map<String, Supplier<Skeleton>> m = new LinkedHashMap<>(PluginRunner.keelsonPlugins());
        m.put("portmap", () -> new Skeleton(new PortmapPlugin(), PortmapPlugin.ABOUT));
        return m;
    }

    private PodSandboxConfig pod(String name) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default").setUid("uid-" + name))
                .setHostname(name + "-host").setLogDirectory(tmp.resolve("logs").resolve(name).toString())
                .setDnsConfig(DNSConfig.newBuilder().addServers("10.77.0.53").addSearches("svc.test"))
                .putLabels("app", name).build();
    }

    private ContainerConfig container(String name, String image, String script) {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(image)).addAllCommand(List.of("sh", "-c", script))
                .setLogPath(name + ".log").putLabels("ctr", name).build();
    }

    private String runPod(String name, String handler) {
        return client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod(name))
                .setRuntimeHandler(handler).build()).getPodSandboxId();
    }

    private String createContainer(String podId, String name, String image, String script, String podName) {
        return client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(container(name, image, script)).setSandboxConfig(pod(podName)).build()).getContainerId();
    }

    private ContainerStatus status(String ctrId) {
        return client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(ctrId).build()).getStatus();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "crun"})
    void runsAPodThroughItsWholeLifecycleAndLeavesNothing(String handler) throws Exception {
        withHandler(handler, () -> lifecycle(handler));
    }

    private interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body}. crun runs as the runtime would run it on this host (through
     * keelson-maskexec where crun refuses hybrid hosts); afterwards the cgroup2 controller list the
     * runtime masks for crun must read as before, here in the test's own mount namespace.
     */
    private void withHandler(String handler, Body body) throws Exception {
        Path controllers = Path.of("/sys/fs/cgroup/unified/cgroup.controllers");
        String before = Files.exists(controllers) ? Files.readString(controllers) : null;
        body.run();
        assertEquals(before, Files.exists(controllers) ? Files.readString(controllers) : null,
                "the controller list seen outside the runtime's mount namespace");
    }

    private void lifecycle(String handler) throws Exception {
        String podId = runPod("web", handler);
        PodSandboxStatus ps = client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(podId).build()).getStatus();
        assertEquals(PodSandboxState.SANDBOX_READY, ps.getState());
        assertTrue(ps.getNetwork().getIp().startsWith("10.77.0."), ps.getNetwork().getIp());
        assertTrue(Files.exists(ipamDir.resolve("podnet").resolve(ps.getNetwork().getIp())), "host-local IP file");
        String netns = Command.ok("ip", "netns", "list");
        assertTrue(netns.contains("keelson-" + podId.substring(0, 16)), netns);
        // The pod's eth0 has the address the status reports.
        String addr = Command.ok("ip", "-n", "keelson-" + podId.substring(0, 16), "-j", "addr", "show", "eth0");
        assertTrue(addr.contains(ps.getNetwork().getIp()), addr);
        assertPausePlacedAsARuntimeWould(podId, handler);

        String ctr = createContainer(podId, "app", rootfs.toString(), "echo hello; echo oops >&2; sleep 30", "web");
        assertEquals(ContainerState.CONTAINER_CREATED, status(ctr).getState());
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        ContainerStatus running = status(ctr);
        assertEquals(ContainerState.CONTAINER_RUNNING, running.getState());
        assertTrue(running.getStartedAt() >= running.getCreatedAt() && running.getCreatedAt() > 0);

        Path log = tmp.resolve("logs/web/app.log");
        assertEquals(log.toString(), running.getLogPath());
        List<String> lines = awaitLines(log, 2);
        assertTrue(lines.stream().allMatch(l -> CRI_LINE.matcher(l).matches()), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches(".* stdout F hello")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches(".* stderr F oops")), lines.toString());

        ExecSyncResponse ex = client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                .addAllCmd(List.of("cat", "/etc/hostname")).setTimeout(5).build());
        assertEquals(0, ex.getExitCode());
        assertEquals("web-host\n", ex.getStdout().toStringUtf8());
        ExecSyncResponse dns = client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                .addAllCmd(List.of("cat", "/etc/resolv.conf")).build());
        assertEquals("search svc.test\nnameserver 10.77.0.53\n", dns.getStdout().toStringUtf8());
        ExecSyncResponse uts = client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                .addAllCmd(List.of("hostname")).build());
        assertEquals("web-host\n", uts.getStdout().toStringUtf8(), "the pod's UTS namespace is joined");
        ExecSyncResponse failing = client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                .addAllCmd(List.of("sh", "-c", "exit 7")).build());
        assertEquals(7, failing.getExitCode());

        assertEquals(1, client.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());
        ExecSyncResponse pid1 = client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                .addAllCmd(List.of("cat", "/proc/1/cmdline")).build());
        assertEquals("/pause\0", pid1.getStdout().toStringUtf8(), "the pod's PID namespace is shared (NamespaceMode POD)");

        // Not PID 1 (pause is), so sh dies of the SIGTERM: 128 + 15.
        client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(5).build());
        ContainerStatus exited = status(ctr);
        assertEquals(ContainerState.CONTAINER_EXITED, exited.getState());
        assertEquals(143, exited.getExitCode());
        assertEquals("Error", exited.getReason());
        assertTrue(exited.getFinishedAt() >= exited.getStartedAt());

        String cgroup = cgroupParent + "/" + podId;
        assertFalse(Cgroups.existing(cgroup).isEmpty(), "pod cgroup exists while the pod does");
        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertEquals(PodSandboxState.SANDBOX_NOTREADY, client.runtime().podSandboxStatus(PodSandboxStatusRequest
                .newBuilder().setPodSandboxId(podId).build()).getStatus().getState());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft();
        assertThrows(StatusRuntimeException.class, () -> status(ctr));
    }

    @Test
    void removingARunningContainerStopsItAndItsExitCodeIsKeptUntilThen() throws Exception {
        String podId = runPod("exits", "");
        String ctr = createContainer(podId, "quick", rootfs.toString(), "exit 3", "exits");
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        ContainerStatus s = awaitExited(ctr);
        assertEquals(3, s.getExitCode());
        assertEquals("Error", s.getReason());
        String term = createContainer(podId, "term", rootfs.toString(), "trap 'exit 0' TERM; while true; do sleep 0.1; done", "exits");
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(term).build());
        Thread.sleep(200);
        client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(term).setTimeout(10).build());
        assertEquals(0, status(term).getExitCode(), "a TERM handler's own exit code is recorded");
        assertEquals("Completed", status(term).getReason());
        String deaf = createContainer(podId, "deaf", rootfs.toString(), "trap '' TERM; while true; do sleep 0.1; done", "exits");
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(deaf).build());
        Thread.sleep(200);
        long t0 = System.nanoTime();
        client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(deaf).setTimeout(1).build());
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(137, status(deaf).getExitCode(), "SIGTERM ignored: SIGKILL after the timeout");
        assertTrue(tookMs >= 900 && tookMs < 5000, "stop took " + tookMs + " ms");
        StatusRuntimeException dup = assertThrows(StatusRuntimeException.class,
                () -> createContainer(podId, "deaf", rootfs.toString(), "true", "exits"));
        assertEquals(Status.Code.FAILED_PRECONDITION, dup.getStatus().getCode());
        assertTrue(dup.getStatus().getDescription().contains(deaf), dup.getStatus().getDescription());
        String busy = createContainer(podId, "busy", rootfs.toString(), "sleep 30", "exits");
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(busy).build());
        client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(busy).build());
        String busyAgain = createContainer(podId, "busy", rootfs.toString(), "true", "exits");
        client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(busyAgain).build());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> status(busy)).getStatus().getCode());
        assertEquals(3, client.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft();
    }

    @Test
    void listsSandboxesWithFilters() throws IOException {
        String a = runPod("alpha", "");
        String b = runPod("beta", "");
        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(b).build());
        assertEquals(2, client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
        var ready = client.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                .setState(dev.keelson.cri.api.v1.PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY))).build());
        assertEquals(List.of(a), ready.getItemsList().stream().map(p -> p.getId()).toList());
        var byLabel = client.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                .putLabelSelector("app", "beta")).build());
        assertEquals(List.of(b), byLabel.getItemsList().stream().map(p -> p.getId()).toList());
        var byId = client.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                .setId(a.substring(0, 12))).build());
        assertEquals(List.of(a), byId.getItemsList().stream().map(p -> p.getId()).toList());
        StatusRuntimeException dup = assertThrows(StatusRuntimeException.class, () -> runPod("alpha", ""));
        assertEquals(Status.Code.FAILED_PRECONDITION, dup.getStatus().getCode());
        assertTrue(dup.getStatus().getDescription().contains(a), dup.getStatus().getDescription());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(a).build());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(b).build());
        assertNothingLeft();
    }

    @Test
    void aMissingRootfsFailsCreateContainerAndLeavesNothing() throws Exception {
        String podId = runPod("noimage", "");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> createContainer(podId, "x", tmp.resolve("no-such-rootfs").toString(), "true", "noimage"));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("no-such-rootfs"), e.getStatus().getDescription());
        assertEquals(0, client.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());
        assertEquals(List.of(), list(root.resolve("containers")));
        // A rootfs without the command: the runtime refuses at start (it creates the container only
        // then, as containerd does), its error reaches the caller, and the container stays CREATED
        // with no trace of the attempt in the runtime.
        Path empty = Files.createDirectories(tmp.resolve("empty-rootfs"));
        String noShell = createContainer(podId, "y", empty.toString(), "true", "noimage");
        StatusRuntimeException noSh = assertThrows(StatusRuntimeException.class, () -> client.runtime().startContainer(
                StartContainerRequest.newBuilder().setContainerId(noShell).build()));
        assertEquals(Status.Code.UNKNOWN, noSh.getStatus().getCode());
        assertTrue(noSh.getStatus().getDescription().contains("runc run"), noSh.getStatus().getDescription());
        assertEquals(ContainerState.CONTAINER_CREATED, status(noShell).getState());
        assertEquals(List.of(podId), list(root.resolve("runc")), "only the pause container is known to runc");
        client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(noShell).build());
        assertEquals(List.of(), list(root.resolve("containers")));
        // The failed creates gave their names back.
        createContainer(podId, "x", rootfs.toString(), "true", "noimage");
        createContainer(podId, "y", rootfs.toString(), "true", "noimage");
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft();
    }

    /**
     * An exec'd command runs as the container's process does: user, supplementary groups and
     * working directory, under runc (whose exec copies them) and crun (given the container's process
     * as a --process file), by ExecSync and by the streaming exec's client.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "crun"})
    void execRunsAsTheContainersUserWithItsGroups(String handler) throws Exception {
        String podId = runPod("ids", handler);
        ContainerConfig c = container("app", rootfs.toString(), "sleep 30").toBuilder().setWorkingDir("/tmp")
                .setLinux(dev.keelson.cri.api.v1.LinuxContainerConfig.newBuilder().setSecurityContext(
                        dev.keelson.cri.api.v1.LinuxContainerSecurityContext.newBuilder()
                                .setRunAsUser(dev.keelson.cri.api.v1.Int64Value.newBuilder().setValue(1234))
                                .setRunAsGroup(dev.keelson.cri.api.v1.Int64Value.newBuilder().setValue(2345))
                                .addSupplementalGroups(5678)))
                .build();
        String ctr = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId).setConfig(c)
                .setSandboxConfig(pod("ids")).build()).getContainerId();
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        ExecSyncResponse ids = client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                .addAllCmd(List.of("sh", "-c", "id -u; id -g; id -G; pwd")).setTimeout(10).build());
        assertEquals(0, ids.getExitCode(), ids.getStderr().toStringUtf8());
        List<String> lines = List.of(ids.getStdout().toStringUtf8().strip().split("\n"));
        assertEquals("1234", lines.get(0), lines.toString());
        assertEquals("2345", lines.get(1), lines.toString());
        assertTrue(List.of(lines.get(2).split(" ")).containsAll(List.of("2345", "5678")), lines.toString());
        assertEquals("/tmp", lines.get(3), lines.toString());
        // the streaming exec's client: the same runtime command line
        Process p = sandboxes.settings().runtime(sandboxes.get(podId)).startExec(ctr, List.of("id", "-u"));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("1234", out);
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft();
    }

    /** crun without keelson-maskexec on a hybrid host with cgroup2 controllers: a real refusal. */
    @Test
    void aRuntimeThatRefusesTheSandboxLeavesNothing() throws Exception {
        Assumptions.assumeTrue(RuntimeHandler.crunRefusesThisHost(), "crun can create here: no refusal to provoke");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> runPod("refused", "crun-unmasked"));
        assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("crun run") && e.getStatus().getDescription().contains("hybrid"),
                e.getStatus().getDescription());
        assertEquals(0, client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
        assertNothingLeft();
    }

    @Test
    void aCniFailureMidRunPodSandboxUndoesTheEarlierPluginsAndLeavesNothing() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        executable(bin.resolve("refuser"), """
                #!/bin/sh
                cat >/dev/null
                case "$CNI_COMMAND" in
                  ADD) echo '{"cniVersion":"1.0.0","code":11,"msg":"refused by the test plugin"}'; exit 1 ;;
                  VERSION) echo '{"cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]}' ;;
                esac
                exit 0
                """);
        Files.writeString(tmp.resolve("net.d/10-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "podnet", "plugins": [
                  {"type": "bridge", "bridge": "kt0", "isGateway": true,
                   "ipam": {"type": "host-local", "subnet": "10.77.0.0/24", "dataDir": "%s"}},
                  {"type": "refuser"}]}
                """.formatted(ipamDir));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> runPod("cnifail", ""));
        assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("refused by the test plugin"), e.getStatus().getDescription());
        // The bridge plugin did its part (the bridge stays, as after any DEL) before the chain failed.
        assertTrue(Command.ok("ip", "-j", "link", "show", "kt0").contains("kt0"));
        assertEquals(0, client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
        assertNothingLeft();
        assertEquals(List.of(), list(tmp.resolve("cni-cache/results")), "no cached CNI result");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "crun"})
    void printsMedianTimingsOfTenPods(String handler) throws Exception {
        withHandler(handler, () -> timings(handler));
    }

    private void timings(String handler) throws Exception {
        int n = 10;
        long[][] t = new long[5][n];
        for (int i = 0; i < n; i++) {
            long a = System.nanoTime();
            String pod = runPod("timed-" + i, handler);
            long b = System.nanoTime();
            String ctr = createContainer(pod, "c", rootfs.toString(), "sleep 30", "timed-" + i);
            long c = System.nanoTime();
            client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
            long d = System.nanoTime();
            client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
            long e = System.nanoTime();
            client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
            long f = System.nanoTime();
            t[0][i] = b - a;
            t[1][i] = c - b;
            t[2][i] = d - c;
            t[3][i] = e - d;
            t[4][i] = f - e;
        }
        String[] names = {"RunPodSandbox", "CreateContainer", "StartContainer", "StopPodSandbox", "RemovePodSandbox"};
        StringBuilder out = new StringBuilder("median of " + n + " (" + (handler.isEmpty() ? "runc" : handler) + "):");
        for (int k = 0; k < names.length; k++) {
            java.util.Arrays.sort(t[k]);
            out.append(String.format(" %s %.1f ms;", names[k], (t[k][n / 2 - 1] + t[k][n / 2]) / 2e6));
        }
        System.out.println(out);
        assertNothingLeft();
    }

    @Test
    void appliesUserResourcesCapabilitiesMountsAndSysctlsFromTheConfigs() throws Exception {
        PodSandboxConfig podCfg = pod("conf").toBuilder()
                .setLinux(dev.keelson.cri.api.v1.LinuxPodSandboxConfig.newBuilder()
                        .putSysctls("net.ipv4.ping_group_range", "0 2147483647"))
                .build();
        String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podCfg).build()).getPodSandboxId();
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.writeString(shared.resolve("data.txt"), "from the host\n");
        var sc = dev.keelson.cri.api.v1.LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(dev.keelson.cri.api.v1.Int64Value.newBuilder().setValue(1000))
                .setRunAsGroup(dev.keelson.cri.api.v1.Int64Value.newBuilder().setValue(1001))
                .addSupplementalGroups(2000).setReadonlyRootfs(true).setNoNewPrivs(true)
                .setCapabilities(dev.keelson.cri.api.v1.Capability.newBuilder().addDropCapabilities("ALL")
                        .addAddCapabilities("NET_BIND_SERVICE"))
                .setNamespaceOptions(dev.keelson.cri.api.v1.NamespaceOption.newBuilder()
                        .setPid(dev.keelson.cri.api.v1.NamespaceMode.CONTAINER));
        var res = dev.keelson.cri.api.v1.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20)
                .setCpuShares(512).setCpuQuota(50_000).setCpuPeriod(100_000).setOomScoreAdj(-500);
        ContainerConfig cfg = container("conf", rootfs.toString(), "sleep 30").toBuilder()
                .addEnvs(dev.keelson.cri.api.v1.KeyValue.newBuilder().setKey("GREETING").setValue(com.google.protobuf.ByteString.copyFromUtf8("hi there")))
                .setWorkingDir("/tmp")
                .addMounts(dev.keelson.cri.api.v1.Mount.newBuilder().setContainerPath("/data").setHostPath(shared.toString())
                        .setReadonly(true).setPropagation(dev.keelson.cri.api.v1.MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
                .setLinux(dev.keelson.cri.api.v1.LinuxContainerConfig.newBuilder().setSecurityContext(sc).setResources(res))
                .build();
        String ctr = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(cfg).setSandboxConfig(podCfg).build()).getContainerId();
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());

        assertEquals("uid=1000 gid=1001 groups=2000\n", exec(ctr, "id"));
        assertEquals("hi there\n", exec(ctr, "sh", "-c", "echo \"$GREETING\""));
        assertEquals("/tmp\n", exec(ctr, "sh", "-c", "pwd"));
        assertEquals("from the host\n", exec(ctr, "cat", "/data/data.txt"));
        String status = exec(ctr, "cat", "/proc/self/status");
        assertTrue(status.contains("NoNewPrivs:\t1"), status);
        // CAP_NET_BIND_SERVICE (bit 10) only, in the bounding set.
        assertTrue(status.contains("CapBnd:\t0000000000000400"), status);
        // -500 needs CAP_SYS_RESOURCE, which root here lacks: clamped to the runtime's own value.
        assertEquals(Command.ok("cat", "/proc/self/oom_score_adj"), exec(ctr, "cat", "/proc/self/oom_score_adj"));
        String init = exec(ctr, "cat", "/proc/1/cmdline");
        assertTrue(init.contains("sleep") && !init.contains("pause"), "PID mode CONTAINER: its own PID namespace, PID 1 is " + init);
        ExecSyncResponse rofs = client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                .addAllCmd(List.of("touch", "/newfile")).build());
        assertTrue(rofs.getExitCode() != 0 && rofs.getStderr().toStringUtf8().contains("Read-only file system"),
                rofs.getStderr().toStringUtf8());
        assertEquals("0\t2147483647\n", exec(ctr, "cat", "/proc/sys/net/ipv4/ping_group_range"), "pod sysctl in the pod netns");
        assertEquals("1\t0\n", Command.ok("cat", "/proc/sys/net/ipv4/ping_group_range"), "the test namespace is untouched");

        String cg = cgroupParent.substring(1) + "/" + podId + "/" + ctr;
        assertEquals(Long.toString(64L << 20), Files.readString(Path.of("/sys/fs/cgroup/memory", cg, "memory.limit_in_bytes")).trim());
        assertEquals("512", Files.readString(Path.of("/sys/fs/cgroup/cpu", cg, "cpu.shares")).trim());
        assertEquals("50000", Files.readString(Path.of("/sys/fs/cgroup/cpu", cg, "cpu.cfs_quota_us")).trim());

        client.runtime().updateContainerResources(dev.keelson.cri.api.v1.UpdateContainerResourcesRequest.newBuilder()
                .setContainerId(ctr).setLinux(dev.keelson.cri.api.v1.LinuxContainerResources.newBuilder()
                        .setMemoryLimitInBytes(128L << 20).setCpuShares(256).setCpuQuota(20_000).setCpuPeriod(100_000)).build());
        assertEquals(Long.toString(128L << 20), Files.readString(Path.of("/sys/fs/cgroup/memory", cg, "memory.limit_in_bytes")).trim());
        assertEquals("256", Files.readString(Path.of("/sys/fs/cgroup/cpu", cg, "cpu.shares")).trim());
        assertEquals("20000", Files.readString(Path.of("/sys/fs/cgroup/cpu", cg, "cpu.cfs_quota_us")).trim());
        assertEquals(128L << 20, status(ctr).getResources().getLinux().getMemoryLimitInBytes());

        exec(ctr, "sh", "-c", "i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done");
        var st = client.runtime().containerStats(dev.keelson.cri.api.v1.ContainerStatsRequest.newBuilder()
                .setContainerId(ctr).build()).getStats();
        assertEquals(ctr, st.getAttributes().getId());
        long cpu = Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup/cpuacct", cg, "cpuacct.usage")).trim());
        assertTrue(st.getCpu().getUsageCoreNanoSeconds().getValue() > 10_000_000L
                && st.getCpu().getUsageCoreNanoSeconds().getValue() <= cpu, st.getCpu().toString());
        assertTrue(st.getMemory().getUsageBytes().getValue() > 0, st.getMemory().toString());
        assertTrue(st.getMemory().getWorkingSetBytes().getValue() <= st.getMemory().getUsageBytes().getValue());
        assertEquals((128L << 20) - st.getMemory().getWorkingSetBytes().getValue(), st.getMemory().getAvailableBytes().getValue());
        var all = client.runtime().listContainerStats(dev.keelson.cri.api.v1.ListContainerStatsRequest.newBuilder()
                .setFilter(dev.keelson.cri.api.v1.ContainerStatsFilter.newBuilder().setPodSandboxId(podId)).build());
        assertEquals(List.of(ctr), all.getStatsList().stream().map(x -> x.getAttributes().getId()).toList());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft();
    }

    @Test
    void execSyncPastItsTimeoutIsDeadlineExceededAndTheCommandIsKilled() throws Exception {
        String podId = runPod("slow", "");
        String ctr = createContainer(podId, "s", rootfs.toString(), "sleep 30", "slow");
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        long t0 = System.nanoTime();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.runtime().execSync(
                ExecSyncRequest.newBuilder().setContainerId(ctr).addAllCmd(List.of("sleep", "7")).setTimeout(1).build()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        assertTrue(ms >= 900 && ms < 4000, "took " + ms + " ms");
        String ps = exec(ctr, "ps", "-o", "stat,args");
        assertFalse(ps.contains("sleep 7"), ps);
        // nor left as a zombie (runc's client killed before it reaped the command; critest's execSync timeout spec)
        assertFalse(ps.lines().anyMatch(l -> l.strip().startsWith("Z")), ps);
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft();
    }

    @Test
    void recordsAreReadBackByANewRuntimeOverTheSameRoot() throws Exception {
        String podId = runPod("kept", "");
        String ctr = createContainer(podId, "k", rootfs.toString(), "exit 4", "kept");
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        awaitExited(ctr);
        SandboxManager again = new SandboxManager(sandboxes.settings());
        ContainerManager againC = new ContainerManager(again, new DirectoryRootfs());
        assertEquals(List.of(podId), again.list().stream().map(r -> r.id()).toList());
        assertEquals(dev.keelson.cri.sandbox.SandboxRecord.READY, again.get(podId).state());
        assertEquals(List.of(ctr), againC.list().stream().map(r -> r.id()).toList());
        assertEquals(4, againC.get(ctr).exitCode());
        assertEquals("k", againC.get(ctr).containerConfig().getMetadata().getName());

        // A running container is watched again by the new runtime: its stop is recorded there.
        String live = createContainer(podId, "live", rootfs.toString(), "sleep 30", "kept");
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(live).build());
        SandboxManager third = new SandboxManager(sandboxes.settings());
        ContainerManager thirdC = new ContainerManager(third, new DirectoryRootfs());
        assertEquals(dev.keelson.cri.container.ContainerRecord.RUNNING, thirdC.get(live).state());
        thirdC.stop(live, java.time.Duration.ZERO);
        assertEquals(dev.keelson.cri.container.ContainerRecord.EXITED, thirdC.get(live).state());
        assertEquals(137, thirdC.get(live).exitCode());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft();
    }

    private String exec(String ctr, String... cmd) {
        ExecSyncResponse r = client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                .addAllCmd(List.of(cmd)).setTimeout(5).build());
        assertEquals(0, r.getExitCode(), List.of(cmd) + ": " + r.getStderr().toStringUtf8());
        return r.getStdout().toStringUtf8();
    }

    @Test
    void portMappingsReachThePortmapPluginAsACapability() throws Exception {
        Files.writeString(tmp.resolve("net.d/10-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "podnet", "plugins": [
                  {"type": "bridge", "bridge": "kt0", "isGateway": true,
                   "ipam": {"type": "host-local", "subnet": "10.77.0.0/24", "dataDir": "%s"}},
                  {"type": "portmap", "capabilities": {"portMappings": true}}]}
                """.formatted(ipamDir));
        // critest: a mapping with only a container port (host port 0) is not forwarded, not refused
        PodSandboxConfig cfg = pod("ports").toBuilder().addPortMappings(dev.keelson.cri.api.v1.PortMapping.newBuilder()
                .setContainerPort(80).setHostPort(18080))
                .addPortMappings(dev.keelson.cri.api.v1.PortMapping.newBuilder().setContainerPort(8443)).build();
        String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(cfg).build()).getPodSandboxId();
        String ip = client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
                .getStatus().getNetwork().getIp();
        String rules = Command.ok("nft", "list", "table", "inet", "keelson-portmap");
        assertTrue(rules.contains("18080") && rules.contains(ip), rules);
        assertFalse(rules.contains("8443"), rules);
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        String after = Command.run("nft", "list", "table", "inet", "keelson-portmap").out();
        assertFalse(after.contains("18080"), after);
        assertNothingLeft();
    }

    /** critest's seccomp and RunAsGroup specs: profiles reach runc's filter, bad configs are INVALID_ARGUMENT. */
    @Test
    void seccompProfilesFilterTheContainerAndAGroupWithoutAUserIsRefused() throws Exception {
        String podId = runPod("sec", "");
        Path blockChmod = Files.writeString(tmp.resolve("block-chmod.json"), """
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chmod", "fchmodat"], "action": "SCMP_ACT_ERRNO"}]}""");
        var localhost = dev.keelson.cri.api.v1.SecurityProfile.newBuilder()
                .setProfileType(dev.keelson.cri.api.v1.SecurityProfile.ProfileType.Localhost);
        Map<String, dev.keelson.cri.api.v1.LinuxContainerSecurityContext.Builder> cases = new LinkedHashMap<>();
        cases.put("none", dev.keelson.cri.api.v1.LinuxContainerSecurityContext.newBuilder());
        cases.put("default", dev.keelson.cri.api.v1.LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(dev.keelson.cri.api.v1.SecurityProfile.getDefaultInstance()));
        cases.put("chmod", dev.keelson.cri.api.v1.LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(localhost.clone().setLocalhostRef(blockChmod.toString())));
        Map<String, String> ids = new LinkedHashMap<>();
        for (var c : cases.entrySet()) {
            ids.put(c.getKey(), createWith(podId, c.getKey(), c.getValue()));
        }
        assertTrue(exec(ids.get("none"), "grep", "Seccomp:", "/proc/self/status").contains("Seccomp:\t0"));
        assertTrue(exec(ids.get("default"), "grep", "Seccomp:", "/proc/self/status").contains("Seccomp:\t2"));
        ExecSyncResponse chmod = client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(ids.get("chmod"))
                .addAllCmd(List.of("chmod", "400", "/tmp")).setTimeout(5).build());
        assertTrue(chmod.getExitCode() != 0 && chmod.getStderr().toStringUtf8().contains("Operation not permitted"),
                chmod.getStderr().toStringUtf8());
        assertEquals("0\n", exec(ids.get("none"), "sh", "-c", "chmod 400 /tmp && echo $?"));

        for (var bad : List.of(dev.keelson.cri.api.v1.LinuxContainerSecurityContext.newBuilder()
                        .setRunAsGroup(dev.keelson.cri.api.v1.Int64Value.newBuilder().setValue(1002)),
                dev.keelson.cri.api.v1.LinuxContainerSecurityContext.newBuilder()
                        .setSeccomp(localhost.clone().setLocalhostRef("profiles/relative.json")))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> createWith(podId, "bad", bad));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        }
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft();
    }

    /** critest's rshared spec: a mount made in the container under a bidirectional mount shows on the node. */
    @Test
    void aMountMadeInTheContainerUnderABidirectionalMountReachesTheNode() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("propagated"));
        Command.ok("mount", "--bind", shared.toString(), shared.toString());
        Command.ok("mount", "--make-rshared", shared.toString());
        try {
            String podId = runPod("prop", "");
            ContainerConfig cfg = container("p", rootfs.toString(), "sleep 30").toBuilder()
                    .addMounts(dev.keelson.cri.api.v1.Mount.newBuilder().setContainerPath("/shared").setHostPath(shared.toString())
                            .setPropagation(dev.keelson.cri.api.v1.MountPropagation.PROPAGATION_BIDIRECTIONAL))
                    .setLinux(dev.keelson.cri.api.v1.LinuxContainerConfig.newBuilder().setSecurityContext(
                            dev.keelson.cri.api.v1.LinuxContainerSecurityContext.newBuilder().setPrivileged(true)))
                    .build();
            String ctr = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                    .setConfig(cfg).setSandboxConfig(pod("prop")).build()).getContainerId();
            client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
            exec(ctr, "sh", "-c", "mkdir /shared/sub && mount -t tmpfs made-in-container /shared/sub && touch /shared/sub/x");
            assertTrue(Files.exists(shared.resolve("sub/x")), "the container's tmpfs is visible on the node");
            Command.ok("umount", shared.resolve("sub").toString());
            client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            assertNothingLeft();
        } finally {
            Command.run("umount", "-R", shared.toString());
        }
    }

    /**
     * critest's rslave spec, under runc and crun: a mount the node makes under a host-to-container
     * mount after the container started shows in the container.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "crun"})
    void aMountTheNodeMakesUnderAHostToContainerMountReachesTheContainer(String handler) throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("from-host"));
        Command.ok("mount", "--bind", shared.toString(), shared.toString());
        Command.ok("mount", "--make-rshared", shared.toString());
        try {
            String podId = runPod("slave", handler);
            ContainerConfig cfg = container("s", rootfs.toString(), "sleep 30").toBuilder()
                    .addMounts(dev.keelson.cri.api.v1.Mount.newBuilder().setContainerPath("/fromhost").setHostPath(shared.toString())
                            .setPropagation(dev.keelson.cri.api.v1.MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
                    .build();
            String ctr = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                    .setConfig(cfg).setSandboxConfig(pod("slave")).build()).getContainerId();
            client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
            Files.createDirectories(shared.resolve("later"));
            Command.ok("mount", "-t", "tmpfs", "made-on-node", shared.resolve("later").toString());
            Files.writeString(shared.resolve("later/flag"), "x");
            ExecSyncResponse ls = client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                    .addAllCmd(List.of("ls", "-A", "/fromhost/later")).setTimeout(10).build());
            assertEquals("flag", ls.getStdout().toStringUtf8().strip(), "the node's later mount, seen in the container");
            Command.ok("umount", shared.resolve("later").toString());
            client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            assertNothingLeft();
        } finally {
            Command.run("umount", "-R", shared.toString());
        }
    }

    private String createWith(String podId, String name, dev.keelson.cri.api.v1.LinuxContainerSecurityContext.Builder sc) {
        ContainerConfig cfg = container(name, rootfs.toString(), "sleep 30").toBuilder()
                .setLinux(dev.keelson.cri.api.v1.LinuxContainerConfig.newBuilder().setSecurityContext(sc)).build();
        String ctr = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(cfg).setSandboxConfig(pod("sec")).build()).getContainerId();
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        return ctr;
    }

    @Test
    void aHostNetworkPodGetsNoNetnsAndNoCniCall() throws Exception {
        PodSandboxConfig cfg = pod("hostnet").toBuilder().clearHostname().setLinux(dev.keelson.cri.api.v1.LinuxPodSandboxConfig
                .newBuilder().setSecurityContext(dev.keelson.cri.api.v1.LinuxSandboxSecurityContext.newBuilder()
                        .setNamespaceOptions(dev.keelson.cri.api.v1.NamespaceOption.newBuilder()
                                .setNetwork(dev.keelson.cri.api.v1.NamespaceMode.NODE)))).build();
        String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(cfg).build()).getPodSandboxId();
        assertEquals("", Command.ok("ip", "netns", "list").strip());
        assertEquals("", client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
                .getStatus().getNetwork().getIp());
        assertEquals(List.of(), list(ipamDir.resolve("podnet")), "no address allocated");
        String ctr = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(container("h", rootfs.toString(), "sleep 30")).setSandboxConfig(cfg).build()).getContainerId();
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        assertEquals(Command.ok("hostname"), exec(ctr, "hostname"), "the node's UTS namespace");
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")) + "\n", exec(ctr, "readlink", "/proc/self/ns/net"),
                "the node's (here: the test's) network namespace");
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft();
    }

    @Test
    void reopenContainerLogSendsEntriesToANewFileAfterRotation() throws Exception {
        String podId = runPod("rotate", "");
        String ctr = createContainer(podId, "r", rootfs.toString(), "while true; do echo tick; sleep 0.05; done", "rotate");
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        Path log = tmp.resolve("logs/rotate/r.log");
        awaitLines(log, 2);
        Path rotated = tmp.resolve("logs/rotate/r.log.1");
        Files.move(log, rotated);
        client.runtime().reopenContainerLog(dev.keelson.cri.api.v1.ReopenContainerLogRequest.newBuilder().setContainerId(ctr).build());
        long before = Files.readAllLines(rotated).size();
        List<String> fresh = awaitLines(log, 2);
        assertTrue(fresh.stream().allMatch(l -> l.matches(".* stdout F tick")), fresh.toString());
        Thread.sleep(200);
        assertEquals(before, Files.readAllLines(rotated).size(), "nothing more goes to the rotated file");
        client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(0).build());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.runtime().reopenContainerLog(
                dev.keelson.cri.api.v1.ReopenContainerLogRequest.newBuilder().setContainerId(ctr).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft();
    }

    @Test
    void podNamespacesComeFromAWarmPoolWhenOneIsConfigured() throws Exception {
        client.close();
        server.close();
        try (dev.keelson.netns.NetnsPool pool = new dev.keelson.netns.NetnsPool(NetnsDirectory.system(), "kpool-", 2).start()) {
            assertTrue(pool.awaitFull(10, java.util.concurrent.TimeUnit.SECONDS));
            RuntimeSettings s = sandboxes.settings();
            sandboxes = new SandboxManager(new RuntimeSettings(s.root(), s.netns(), s.cniConf(), s.cni(), s.handlers(),
                    s.libexec(), s.cgroupParent(), pool));
            server = CriServer.start(socket, List.of(new PodArea(sandboxes, new ContainerManager(sandboxes, new DirectoryRootfs()))),
                    CriServer.DEFAULT_GRACE);
            client = new CriClient(socket);
            List<String> pooled = List.of(Command.ok("ip", "netns", "list").split("\n")).stream()
                    .map(l -> l.split(" ")[0]).filter(n -> n.startsWith("kpool-")).toList();
            String podId = runPod("pooled", "");
            String pin = sandboxes.get(podId).netns();
            assertTrue(pooled.contains(Path.of(pin).getFileName().toString()), pin + " not one of " + pooled);
            client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            assertFalse(Command.ok("ip", "netns", "list").contains(Path.of(pin).getFileName().toString()));
        }
        assertNothingLeft();
    }

    /**
     * {@code keelson cri --sandbox-runtime crun} (the default where crun is installed): the pause
     * container under crun, born in its cgroups, the pod's containers under the handler's runc;
     * after a restart over the same root the stop still finds each with its own runtime.
     */
    @Test
    void pauseContainersUnderTheSandboxRuntimeAndContainersUnderTheHandlers() throws Exception {
        client.close();
        server.close();
        RuntimeSettings s = sandboxes.settings();
        RuntimeSettings mixed = new RuntimeSettings(s.root(), s.netns(), s.cniConf(), s.cni(), s.handlers(), s.libexec(),
                s.cgroupParent(), null, s.handlers().get("crun"));
        sandboxes = new SandboxManager(mixed);
        server = CriServer.start(socket, List.of(new PodArea(sandboxes, new ContainerManager(sandboxes, new DirectoryRootfs()))),
                CriServer.DEFAULT_GRACE);
        client = new CriClient(socket);
        String podId = runPod("mixed", "");
        assertEquals(List.of(podId), list(root.resolve("crun")), "the pause container is crun's");
        assertEquals(List.of(), list(root.resolve("runc")));
        assertPausePlacedAsARuntimeWould(podId, "crun");
        String ctr = createContainer(podId, "app", rootfs.toString(), "sleep 30", "mixed");
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        assertEquals(List.of(ctr), list(root.resolve("runc")), "the container is the handler's (runc)");
        assertEquals("runc", sandboxes.get(podId).runtime());
        assertEquals("crun", sandboxes.get(podId).pauseRuntime());
        // a restart over the same root: the records say which runtime runs what
        client.close();
        server.close();
        sandboxes = new SandboxManager(mixed);
        server = CriServer.start(socket, List.of(new PodArea(sandboxes, new ContainerManager(sandboxes, new DirectoryRootfs()))),
                CriServer.DEFAULT_GRACE);
        client = new CriClient(socket);
        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertEquals(List.of(), list(root.resolve("crun")));
        assertEquals(List.of(), list(root.resolve("runc")));
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft();
    }

    @Test
    void aPauseContainerThatDiesMakesTheSandboxNotReadyAndStopStillTearsDown() throws Exception {
        String podId = runPod("fragile", "");
        dev.keelson.linux.Libc.kill(sandboxes.get(podId).pausePid(), 9);
        PodSandboxState state = PodSandboxState.SANDBOX_READY;
        for (int i = 0; i < 100 && state == PodSandboxState.SANDBOX_READY; i++) {
            Thread.sleep(20);
            state = client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
                    .getStatus().getState();
        }
        assertEquals(PodSandboxState.SANDBOX_NOTREADY, state);
        assertTrue(Command.ok("ip", "netns", "list").contains("keelson-" + podId.substring(0, 16)),
                "the network stays until StopPodSandbox");
        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertEquals("", Command.ok("ip", "netns", "list").strip(), "StopPodSandbox unpinned it");
        assertEquals(List.of(), list(ipamDir.resolve("podnet")).stream().filter(f -> f.startsWith("10.")).toList());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft();
    }

    @Test
    void anUnknownRuntimeHandlerIsInvalidArgument() throws Exception {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> runPod("h", "kata"));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("\"kata\""), e.getStatus().getDescription());
        assertNothingLeft();
    }

    private ContainerStatus awaitExited(String ctr) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            ContainerStatus s = status(ctr);
            if (s.getState() == ContainerState.CONTAINER_EXITED) {
                return s;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("container " + ctr + " did not exit: " + status(ctr));
    }

    private static List<String> awaitLines(Path log, int n) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (Files.exists(log)) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                if (lines.size() >= n) {
                    return lines;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("log " + log + " has fewer than " + n + " lines");
    }

    static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> out = new ArrayList<>(s.map(p -> p.getFileName().toString()).toList());
            Collections.sort(out);
            return out;
        }
    }

    /**
     * The pause process is in {@code PARENT/POD/POD} in every v1 hierarchy, with cpu.shares 2 and
     * the default device rules: what runc sets, and what the runtime sets itself when crun runs
     * with its cgroup manager disabled.
     */
    private void assertPausePlacedAsARuntimeWould(String podId, String handler) throws IOException {
        int pause = sandboxes.get(podId).pausePid();
        String expected = cgroupParent + "/" + podId + "/" + podId;
        List<String> v1 = Files.readAllLines(Path.of("/proc/" + pause + "/cgroup")).stream()
                .filter(l -> !l.startsWith("0::")).toList();
        assertFalse(v1.isEmpty());
        for (String line : v1) {
            assertTrue(line.endsWith(":" + expected), line + " (expected " + expected + ")");
        }
        Path cg = Path.of("/sys/fs/cgroup");
        assertEquals("2", Files.readString(cg.resolve("cpu" + expected + "/cpu.shares")).strip());
        // the OCI default devices as each runtime writes them: runc adds /dev/net/tun, crun /dev/console
        Set<String> devices = new java.util.HashSet<>(Set.of("c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",
                "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm"));
        devices.add(handler.equals("crun") ? "c 5:1 rwm" : "c 10:200 rwm");
        assertEquals(devices, Set.copyOf(Files.readAllLines(cg.resolve("devices" + expected + "/devices.list"))));
        assertFalse(Files.readString(cg.resolve("cpuset" + expected + "/cpuset.cpus")).isBlank());
    }

    /** No netns pin, veth, host-local IP file, runtime state, pod cgroup, or state directory of any pod. */
    void assertNothingLeft() throws IOException {
        assertEquals("", Command.ok("ip", "netns", "list").strip(), "netns pins");
        String links = Command.ok("ip", "-j", "link", "show", "type", "veth");
        assertEquals("[]", links.strip(), "veths");
        List<String> ipFiles = list(ipamDir.resolve("podnet")).stream().filter(f -> f.startsWith("10.")).toList();
        assertEquals(List.of(), ipFiles, "host-local allocations");
        assertEquals(List.of(), list(root.resolve("runc")), "runc state");
        assertEquals(List.of(), list(root.resolve("crun")), "crun state");
        assertEquals(List.of(), list(root.resolve("sandboxes")), "sandbox records and dirs");
        assertEquals(List.of(), list(root.resolve("containers")), "container records and dirs");
        for (Path p : Cgroups.existing(cgroupParent)) {
            assertEquals(List.of(), list(p).stream().filter(f -> Files.isDirectory(p.resolve(f))).toList(),
                    "pod cgroups under " + p);
        }
    }

    static void executable(Path p, String body) throws IOException {
        Files.writeString(p, body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
