package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cri.api.v1.ContainerConfig;
import dev.keelson.cri.api.v1.ContainerMetadata;
import dev.keelson.cri.api.v1.ContainerState;
import dev.keelson.cri.api.v1.ContainerStatus;
import dev.keelson.cri.api.v1.ContainerStatusRequest;
import dev.keelson.cri.api.v1.CreateContainerRequest;
import dev.keelson.cri.api.v1.ImageSpec;
import dev.keelson.cri.api.v1.ListContainersRequest;
import dev.keelson.cri.api.v1.ListPodSandboxRequest;
import dev.keelson.cri.api.v1.PodSandbox;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.api.v1.PodSandboxMetadata;
import dev.keelson.cri.api.v1.PodSandboxState;
import dev.keelson.cri.api.v1.RemovePodSandboxRequest;
import dev.keelson.cri.api.v1.RunPodSandboxRequest;
import dev.keelson.cri.api.v1.StartContainerRequest;
import dev.keelson.cri.api.v1.StopContainerRequest;
import dev.keelson.cri.api.v1.StopPodSandboxRequest;
import dev.keelson.cri.image.ImageService;
import dev.keelson.cri.image.LocalBusyboxImage;
import dev.keelson.cri.image.Platform;
import dev.keelson.cri.image.registry.RegistryHosts;
import dev.keelson.cri.sandbox.Cgroups;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.Links;
import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keelson cri} killed with SIGKILL while two pods exist — one container running, one exited
 * with code 3, one that exits with code 5 while the runtime is down — and started again over the
 * same root: every object is listed with its state, the exit codes are right, the running container's process was never touched, stop and remove still
 * work, and removal leaves nothing behind (netns pins, veths, host-local IPs, mounts, cgroups).
 */
@KernelTest
class CriRecoveryTest {
    private static final String IMAGE = "keelson.local/busybox:1.0";

    @TempDir
    Path tmp;
    private final String cgroupParent = "/keelson-test-recovery-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private Process running;
    private CriProcess current;

    /** A failed test must not leave pods running: remove what the server still lists, then stop it. */
    @AfterEach
    void stopServer() throws Exception {
        if (running != null && running.isAlive()) {
            try (CriProcess c = current) {
                for (var pod : c.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
                    c.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
                    c.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
                }
            } catch (RuntimeException e) {
                System.err.println("cleanup: " + e);
            }
            running.destroy();
            running.waitFor(20, TimeUnit.SECONDS);
        }
        Cgroups.remove(cgroupParent);
        // the CNI bridge outlives its pods (as the reference plugin's does); this JVM's namespace is
        // the "host" of the up/down tests that follow, which must find only lo there
        try (Rtnetlink rtnl = Rtnetlink.open()) {
            new Links(rtnl).deleteIfExists("kr0");
        }
    }

    @Test
    void podsContainersAndExitCodesSurviveKillDashNineAndRemovalLeavesNothing() throws Exception {
        Path root = tmp.resolve("root");
        Path ipam = tmp.resolve("ipam");
        Path netd = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(netd.resolve("10-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "recnet", "plugins": [
                  {"type": "bridge", "bridge": "kr0", "isGateway": true,
                   "ipam": {"type": "host-local", "subnet": "10.79.0.0/24", "dataDir": "%s"}}]}
                """.formatted(ipam));
        LocalBusyboxImage.importInto(new ImageService(root.resolve("images"), RegistryHosts.defaults(), Platform.LINUX_AMD64),
                IMAGE, tmp.resolve("work"));
        Set<String> vethsBefore = veths();
        Path socket = tmp.resolve("run/keelson.sock");
        Path log = tmp.resolve("cri.log");
        String[] args = {"--root", root.toString(), "--cni-conf-dir", netd.toString(), "--cgroup-parent", cgroupParent};

        String runningPod;
        String exitedPod;
        String sleeper;
        String quitter;
        String lateQuitter;
        long sleeperPid;
        try (CriProcess first = new CriProcess(socket, log, args).awaitSocket()) {
            running = first.process;
            current = first;
            runningPod = runPod(first, "runs");
            sleeper = startContainer(first, runningPod, "runs", "sleep 3600", "main");
            exitedPod = runPod(first, "quits");
            quitter = startContainer(first, exitedPod, "quits", "exit 3", "main");
            awaitExited(first, quitter);
            sleeperPid = onlyPid(runningPod, sleeper);
            lateQuitter = startContainer(first, exitedPod, "quits", "sleep 2; exit 5", "late");
        }
        running.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(running.waitFor(10, TimeUnit.SECONDS));
        Thread.sleep(3000); // "late" exits while no runtime watches it
        assertTrue(ProcessHandle.of(sleeperPid).map(ProcessHandle::isAlive).orElse(false), "the container outlives its runtime");

        try (CriProcess second = new CriProcess(socket, log, args).awaitListening(2)) {
            running = second.process;
            current = second;
            Map<String, PodSandboxState> pods = second.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
                    .getItemsList().stream().collect(java.util.stream.Collectors.toMap(PodSandbox::getId, PodSandbox::getState));
            assertEquals(Map.of(runningPod, PodSandboxState.SANDBOX_READY, exitedPod, PodSandboxState.SANDBOX_READY), pods);
            assertEquals(3, second.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());
            ContainerStatus runs = status(second, sleeper);
            assertEquals(ContainerState.CONTAINER_RUNNING, runs.getState());
            ContainerStatus quits = status(second, quitter);
            assertEquals(ContainerState.CONTAINER_EXITED, quits.getState());
            assertEquals(3, quits.getExitCode());
            ContainerStatus late = status(second, lateQuitter);
            assertEquals(ContainerState.CONTAINER_EXITED, late.getState());
            assertEquals(5, late.getExitCode(), "read from the exit file its shim wrote while the runtime was down");
            assertEquals("Error", late.getReason());
            assertEquals(sleeperPid, onlyPid(runningPod, sleeper), "the same process, still in its cgroup");

            second.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(sleeper).setTimeout(1).build());
            ContainerStatus stopped = status(second, sleeper);
            assertEquals(ContainerState.CONTAINER_EXITED, stopped.getState());
            assertEquals(143, stopped.getExitCode(), "ended by SIGTERM (128 + 15), sent by the runtime that did not start it");
            assertFalse(ProcessHandle.of(sleeperPid).map(ProcessHandle::isAlive).orElse(false));
            for (String pod : List.of(runningPod, exitedPod)) {
                second.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
                second.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
            }
            assertEquals(0, second.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
            assertEquals(0, second.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());
        }
        for (String pod : List.of(runningPod, exitedPod)) {
            assertTrue(NetnsDirectory.system().list().stream().noneMatch(n -> n.startsWith("keelson-" + pod.substring(0, 16))),
                    "netns pin of " + pod + ": " + NetnsDirectory.system().list());
            assertEquals(List.of(), Cgroups.existing(cgroupParent + "/" + pod), "cgroups of " + pod);
        }
        assertEquals(vethsBefore, veths(), "veths in this namespace");
        try (Stream<Path> files = Files.list(ipam.resolve("recnet"))) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("10.")).toList(),
                    "host-local addresses");
        }
        String prefix = root.toAbsolutePath() + "/";
        assertEquals(List.of(), Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(l -> l.split(" ")[4]).filter(p -> p.startsWith(prefix)).toList(), "mounts under the root");
    }

    private static PodSandboxConfig pod(String name) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default").setUid("uid-" + name))
                .setHostname(name).build();
    }

    private static String runPod(CriProcess cri, String name) {
        return cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod(name)).build()).getPodSandboxId();
    }

    private static String startContainer(CriProcess cri, String podId, String podName, String script, String name) {
        ContainerConfig c = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(IMAGE)).addAllCommand(List.of("sh", "-c", script)).build();
        String id = cri.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId).setConfig(c)
                .setSandboxConfig(pod(podName)).build()).getContainerId();
        cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        return id;
    }

    private static ContainerStatus status(CriProcess cri, String id) {
        return cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    private static void awaitExited(CriProcess cri, String id) throws InterruptedException {
        long end = System.currentTimeMillis() + 10_000;
        while (status(cri, id).getState() != ContainerState.CONTAINER_EXITED && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        assertEquals(ContainerState.CONTAINER_EXITED, status(cri, id).getState());
    }

    /** The one process in the container's cgroup (cpuacct hierarchy). */
    private long onlyPid(String podId, String ctrId) throws Exception {
        Path procs = Cgroups.ROOT.resolve("cpuacct").resolve(cgroupParent.substring(1)).resolve(podId).resolve(ctrId)
                .resolve("cgroup.procs");
        List<String> pids = Files.readAllLines(procs).stream().filter(l -> !l.isBlank()).toList();
        assertEquals(1, pids.size(), "processes in " + procs + ": " + pids);
        return Long.parseLong(pids.getFirst());
    }

    private static Set<String> veths() {
        try (Rtnetlink rtnl = Rtnetlink.open()) {
            return new Links(rtnl).list().stream().filter(l -> l.is("veth")).map(Link::name)
                    .collect(java.util.stream.Collectors.toSet());
        }
    }
}
