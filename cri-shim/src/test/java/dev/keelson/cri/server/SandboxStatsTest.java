package dev.keelson.cri.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.invoke.CniInvoker;
import dev.keelson.cni.invoke.ConfDir;
import dev.keelson.cri.api.v1.ContainerConfig;
import dev.keelson.cri.api.v1.ContainerMetadata;
import dev.keelson.cri.api.v1.CreateContainerRequest;
import dev.keelson.cri.api.v1.ImageSpec;
import dev.keelson.cri.api.v1.ListMetricDescriptorsRequest;
import dev.keelson.cri.api.v1.ListPodSandboxMetricsRequest;
import dev.keelson.cri.api.v1.ListPodSandboxStatsRequest;
import dev.keelson.cri.api.v1.NetworkInterfaceUsage;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.api.v1.PodSandboxMetadata;
import dev.keelson.cri.api.v1.PodSandboxStats;
import dev.keelson.cri.api.v1.PodSandboxStatsFilter;
import dev.keelson.cri.api.v1.PodSandboxStatsRequest;
import dev.keelson.cri.api.v1.PodSandboxStatusRequest;
import dev.keelson.cri.api.v1.RunPodSandboxRequest;
import dev.keelson.cri.api.v1.StartContainerRequest;
import dev.keelson.cri.api.v1.StopPodSandboxRequest;
import dev.keelson.cri.container.ContainerManager;
import dev.keelson.cri.container.DirectoryRootfs;
import dev.keelson.cri.image.LocalBusyboxImage;
import dev.keelson.cri.oci.RuntimeHandler;
import dev.keelson.cri.sandbox.Cgroups;
import dev.keelson.cri.sandbox.RuntimeSettings;
import dev.keelson.cri.sandbox.SandboxManager;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.testing.KernelTest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PodSandboxStats and ListPodSandboxStats on real pods (runc, the in-process bridge plugin, cgroup
 * v1): the pod cgroup's CPU and memory, its process count, the pod interface's counters after the
 * test sends it known traffic, label filters, and typed errors.
 */
@KernelTest
class SandboxStatsTest {
    private static final Path LIBEXEC = Path.of("../native/target/bin").toAbsolutePath().normalize();
    private static final int DATAGRAMS = 20;
    private static final int PAYLOAD = 1000;

    @TempDir
    Path tmp;
    private final Path socket = Path.of("/run/keelson-test/stats-" + System.nanoTime() + ".sock");
    private final String cgroupParent = "/keelson-test-stats-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private CriServer server;
    private CriClient client;
    private SandboxManager sandboxes;
    private Path rootfs;

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("state"));
        rootfs = LocalBusyboxImage.writeRootfs(tmp.resolve("busybox"));
        Path conf = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(conf.resolve("10-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "statsnet", "plugins": [
                  {"type": "bridge", "bridge": "ks0", "isGateway": true,
                   "ipam": {"type": "host-local", "subnet": "10.78.0.0/24", "dataDir": "%s"}}]}
                """.formatted(tmp.resolve("ipam")));
        sandboxes = new SandboxManager(new RuntimeSettings(root, NetnsDirectory.system(), new ConfDir(conf),
                CniInvoker.create(List.of(tmp.resolve("bin")), tmp.resolve("cni-cache")),
                Map.of("", RuntimeHandler.runc("runc", root)), LIBEXEC, cgroupParent));
        ContainerManager containers = new ContainerManager(sandboxes, new DirectoryRootfs());
        server = CriServer.start(socket, List.of(new PodArea(sandboxes, containers), new SandboxStatsArea(sandboxes, containers)),
                CriServer.DEFAULT_GRACE);
        client = new CriClient(socket);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (var r : sandboxes.list()) {
            sandboxes.remove(r.id());
        }
        client.close();
        server.close();
        Cgroups.remove(cgroupParent);
    }

    private PodSandboxConfig pod(String name, String tier) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default").setUid("uid-" + name))
                .setHostname(name).putLabels("tier", tier).build();
    }

    /** A READY pod whose one container sleeps; returns {pod id, container id}. */
    private String[] runPod(String name, String tier) {
        PodSandboxConfig cfg = pod(name, tier);
        String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(cfg).build()).getPodSandboxId();
        ContainerConfig c = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("main"))
                .setImage(ImageSpec.newBuilder().setImage(rootfs.toString())).addAllCommand(List.of("sleep", "3600")).build();
        String ctr = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId).setConfig(c)
                .setSandboxConfig(cfg).build()).getContainerId();
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        return new String[] {podId, ctr};
    }

    @Test
    void podStatsCountCgroupUsageProcessesAndTheTrafficSentToThePod() throws Exception {
        String[] ids = runPod("stats", "web");
        String ip = client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(ids[0]).build())
                .getStatus().getNetwork().getIp();
        long before = stats(ids[0]).getLinux().getNetwork().getDefaultInterface().getRxBytes().getValue();
        try (DatagramSocket udp = new DatagramSocket()) {
            for (int i = 0; i < DATAGRAMS; i++) {
                udp.send(new DatagramPacket(new byte[PAYLOAD], PAYLOAD, InetAddress.getByName(ip), 9));
            }
        }
        Thread.sleep(200);
        PodSandboxStats s = stats(ids[0]);
        assertEquals(ids[0], s.getAttributes().getId());
        assertEquals("stats", s.getAttributes().getMetadata().getName());
        var linux = s.getLinux();
        assertTrue(linux.getCpu().getUsageCoreNanoSeconds().getValue() > 0, linux.getCpu().toString());
        assertTrue(linux.getMemory().getWorkingSetBytes().getValue() > 0, linux.getMemory().toString());
        assertEquals(2, linux.getProcess().getProcessCount().getValue(), "pause and sleep");
        NetworkInterfaceUsage eth0 = linux.getNetwork().getDefaultInterface();
        assertEquals("eth0", eth0.getName());
        assertTrue(eth0.getRxBytes().getValue() - before >= (long) DATAGRAMS * PAYLOAD,
                "rx grew by the datagrams sent: " + before + " → " + eth0.getRxBytes().getValue());
        assertTrue(eth0.getTxBytes().getValue() > 0, "the pod answered with ICMP port unreachable");
        assertTrue(linux.getNetwork().getInterfacesList().stream().noneMatch(i -> i.getName().equals("lo")));
        assertEquals(1, linux.getContainersCount());
        assertEquals(ids[1], linux.getContainers(0).getAttributes().getId());
        assertTrue(linux.getContainers(0).getCpu().getUsageCoreNanoSeconds().getValue() > 0);
    }

    @Test
    void listFiltersByIdPrefixAndLabelsAndSkipsStoppedPods() {
        String web = runPod("web", "web")[0];
        String db = runPod("db", "db")[0];
        assertEquals(2, list(PodSandboxStatsFilter.getDefaultInstance()).size());
        assertEquals(List.of(db), list(PodSandboxStatsFilter.newBuilder().putLabelSelector("tier", "db").build()));
        assertEquals(List.of(web), list(PodSandboxStatsFilter.newBuilder().setId(web.substring(0, 12)).build()));
        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(db).build());
        assertEquals(List.of(web), list(PodSandboxStatsFilter.getDefaultInstance()));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stats(db));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    }

    @Test
    void unknownPodIsNotFoundAndMetricsAreUnimplementedWithAReason() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stats("nope"));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        e = assertThrows(StatusRuntimeException.class,
                () -> client.runtime().listMetricDescriptors(ListMetricDescriptorsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("PodSandboxStats"), e.getStatus().getDescription());
        e = assertThrows(StatusRuntimeException.class,
                () -> client.runtime().listPodSandboxMetrics(ListPodSandboxMetricsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
    }

    private PodSandboxStats stats(String id) {
        return client.runtime().podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(id).build()).getStats();
    }

    private List<String> list(PodSandboxStatsFilter f) {
        return client.runtime().listPodSandboxStats(ListPodSandboxStatsRequest.newBuilder().setFilter(f).build())
                .getStatsList().stream().map(s -> s.getAttributes().getId()).toList();
    }
}
