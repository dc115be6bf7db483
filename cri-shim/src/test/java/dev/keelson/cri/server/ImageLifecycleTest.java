package dev.keelson.cri.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.keelson.cri.api.v1.Container;
import dev.keelson.cri.api.v1.ContainerConfig;
import dev.keelson.cri.api.v1.ContainerMetadata;
import dev.keelson.cri.api.v1.ContainerStatus;
import dev.keelson.cri.api.v1.ContainerStatusRequest;
import dev.keelson.cri.api.v1.CreateContainerRequest;
import dev.keelson.cri.api.v1.ExecSyncRequest;
import dev.keelson.cri.api.v1.FilesystemUsage;
import dev.keelson.cri.api.v1.Image;
import dev.keelson.cri.api.v1.ImageFilter;
import dev.keelson.cri.api.v1.ImageFsInfoRequest;
import dev.keelson.cri.api.v1.ImageSpec;
import dev.keelson.cri.api.v1.ImageStatusRequest;
import dev.keelson.cri.api.v1.ImageStatusResponse;
import dev.keelson.cri.api.v1.Int64Value;
import dev.keelson.cri.api.v1.KeyValue;
import dev.keelson.cri.api.v1.LinuxContainerConfig;
import dev.keelson.cri.api.v1.LinuxContainerSecurityContext;
import dev.keelson.cri.api.v1.ListContainersRequest;
import dev.keelson.cri.api.v1.ListImagesRequest;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.api.v1.PodSandboxMetadata;
import dev.keelson.cri.api.v1.PullImageRequest;
import dev.keelson.cri.api.v1.RemoveContainerRequest;
import dev.keelson.cri.api.v1.RemoveImageRequest;
import dev.keelson.cri.api.v1.RemovePodSandboxRequest;
import dev.keelson.cri.api.v1.RunPodSandboxRequest;
import dev.keelson.cri.api.v1.StartContainerRequest;
import dev.keelson.cri.image.Digest;
import dev.keelson.cri.image.ImageFixture;
import dev.keelson.cri.image.LocalRegistry;
import dev.keelson.cri.image.MediaTypes;
import dev.keelson.cri.sandbox.Cgroups;
import dev.keelson.testing.KernelTest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images end to end through {@link CriNode} (the wiring of {@code keelson cri}): a real registry on
 * loopback, PullImage over the socket, a container whose rootfs is an overlay of the image's
 * snapshots, RemoveImage while it runs, RemoveContainer unmounting it, ImageFsInfo.
 */
@KernelTest
class ImageLifecycleTest {
    private static final Path LIBEXEC = Path.of("../native/target/bin").toAbsolutePath().normalize();
    /** What the app image's process prints: its environment, working directory and ids. */
    private static final String REPORT = "PATH=$PATH FOO=$FOO BAR=$BAR cwd=$(pwd) id=$(/bin/busybox id -u):$(/bin/busybox id -g)"
            + ":$(/bin/busybox id -G)";
    @TempDir
    static Path shared;
    static LocalRegistry registry;
    static ImageFixture image;
    static Digest indexDigest;
    /** An image whose config gives the whole process: Entrypoint, Cmd, Env, WorkingDir, User. */
    static ImageFixture app;

    @TempDir
    Path tmp;
    private final String cgroupParent = "/keelson-test-img-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final Path socket = Path.of("/run/keelson-test/images-" + System.nanoTime() + ".sock");
    private CriNode node;
    private CriClient client;
    private String ref;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = new LocalRegistry(Files.createDirectories(shared.resolve("registry")), "");
        image = new ImageFixture(Files.createDirectories(shared.resolve("img")), MediaTypes.Compression.GZIP);
        indexDigest = image.push(registry, "keelson/busybox", "1.0", null);
        app = new ImageFixture(Files.createDirectories(shared.resolve("app")), MediaTypes.Compression.GZIP, c -> {
            c.putArray("Entrypoint").add("/bin/busybox").add("sh").add("-c");
            c.putArray("Cmd").add("echo cmd " + REPORT);
            c.putArray("Env").add("PATH=/bin").add("FOO=image").add("BAR=image");
            c.put("WorkingDir", "/data").put("User", "user:staff");
        });
        app.push(registry, "keelson/app", "1.0", null);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(conf.resolve("10-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "podnet", "plugins": [
                  {"type": "bridge", "bridge": "ki0", "isGateway": true,
                   "ipam": {"type": "host-local", "subnet": "10.78.0.0/24", "dataDir": "%s"}}]}
                """.formatted(tmp.resolve("ipam")));
        node = start();
        ref = registry.authority() + "/keelson/busybox:1.0";
    }

    private CriNode start() throws IOException {
        CriNode n = CriNode.start(new CriNode.Options(socket, tmp.resolve("root"), tmp.resolve("net.d"),
                List.of(tmp.resolve("bin")), "runc", Map.of(), Set.of(registry.authority()), LIBEXEC, cgroupParent, null));
        client = new CriClient(socket);
        return n;
    }

    @AfterEach
    void tearDown() throws IOException {
        for (var r : node.sandboxes().list()) {
            try {
                node.sandboxes().remove(r.id());
            } catch (RuntimeException e) {
                System.err.println("cleanup of sandbox " + r.id() + ": " + e);
            }
        }
        node.rootfs().removeLeftovers(List.of());
        client.close();
        node.close();
        Cgroups.remove(cgroupParent);
    }

    @Test
    void pullRunRemoveImageThenContainerLeavesNothing() throws Exception {
        String id = client.images().pullImage(PullImageRequest.newBuilder().setImage(spec(ref)).build()).getImageRef();
        assertEquals(image.config.toString(), id);

        ImageStatusResponse st = client.images().imageStatus(ImageStatusRequest.newBuilder().setImage(spec(ref)).setVerbose(true).build());
        Image img = st.getImage();
        assertEquals(id, img.getId());
        assertEquals(List.of(ref), img.getRepoTagsList());
        assertEquals(List.of(registry.authority() + "/keelson/busybox@" + indexDigest), img.getRepoDigestsList());
        assertEquals(1000, img.getUid().getValue()); // config User "1000:1000"
        assertEquals("", img.getUsername());
        assertTrue(img.getSize() > 1_000_000, "size counts the compressed busybox layer: " + img.getSize());
        assertTrue(st.getInfoMap().get("info").contains("chainIds"), st.getInfoMap().toString());
        assertEquals(List.of(id), ids(ListImagesRequest.getDefaultInstance()));
        assertEquals(List.of(id), ids(ListImagesRequest.newBuilder().setFilter(ImageFilter.newBuilder().setImage(spec(id.substring(7, 19)))).build()));
        assertEquals(List.of(), ids(ListImagesRequest.newBuilder().setFilter(ImageFilter.newBuilder().setImage(spec("nothing:here"))).build()));
        FilesystemUsage before = imageFs();
        assertEquals(tmp.resolve("root/images").toString(), before.getFsId().getMountpoint());
        assertTrue(before.getUsedBytes().getValue() > 2_000_000, "blob + unpacked busybox: " + before.getUsedBytes());

        String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod()).build()).getPodSandboxId();
        String ctr = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(container(ref, "echo hello; /bin/busybox cat /data/kept.txt; echo; echo mine > /data/new.txt; exec /bin/busybox sleep 30"))
                .setSandboxConfig(pod()).build()).getContainerId();
        Path merged = node.rootfs().mountPoint(ctr);
        assertEquals("overlay", mountType(merged));
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        List<String> lines = awaitLines(tmp.resolve("logs/c.log"), 2);
        assertTrue(lines.get(0).endsWith(" stdout F hello"), lines.toString());
        assertTrue(lines.get(1).endsWith(" stdout F kept"), lines.toString());
        Path upper = node.rootfs().upperDir(ctr);
        awaitFile(upper.resolve("data/new.txt"));
        List<Path> snapshots = list(tmp.resolve("root/images/snapshots"));
        assertEquals(2, snapshots.size());
        for (Path s : snapshots) {
            assertFalse(Files.exists(s.resolve("fs/data/new.txt")), "writes go to the upper dir, not " + s);
        }

        // containerd: the image record goes, the snapshots a container uses stay until it is removed
        client.images().removeImage(RemoveImageRequest.newBuilder().setImage(spec(ref)).build());
        assertFalse(client.images().imageStatus(ImageStatusRequest.newBuilder().setImage(spec(ref)).build()).hasImage());
        assertEquals(List.of(), ids(ListImagesRequest.getDefaultInstance()));
        assertEquals(snapshots, list(tmp.resolve("root/images/snapshots")));
        assertEquals("kept", client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                .addAllCmd(List.of("/bin/busybox", "cat", "/data/kept.txt")).setTimeout(5).build()).getStdout().toStringUtf8());

        client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ctr).build());
        assertEquals(null, mountType(merged));
        assertFalse(Files.exists(upper), "upper dir removed");
        assertEquals(List.of(), list(tmp.resolve("root/rootfs")));
        assertEquals(List.of(), list(tmp.resolve("root/images/snapshots")), "released snapshots deleted");
        assertEquals(List.of(), list(tmp.resolve("root/images/leases")));
        FilesystemUsage after = imageFs();
        assertTrue(after.getUsedBytes().getValue() < 100_000, "after removal: " + after.getUsedBytes());
        assertTrue(after.getInodesUsed().getValue() < before.getInodesUsed().getValue());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }

    @Test
    void imageConfigGivesTheProcessAndTheContainerConfigOverridesIt() throws Exception {
        String appRef = registry.authority() + "/keelson/app:1.0";
        client.images().pullImage(PullImageRequest.newBuilder().setImage(spec(appRef)).build());
        String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod()).build()).getPodSandboxId();

        // nothing in the CRI config: Entrypoint + Cmd, Env, WorkingDir and User ("user:staff") of the image
        String bare = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("bare"))
                        .setImage(spec(appRef)).setLogPath("bare.log"))
                .setSandboxConfig(pod()).build()).getContainerId();
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(bare).build());
        String line = awaitLines(tmp.resolve("logs/bare.log"), 1).get(0);
        assertTrue(line.endsWith(" stdout F cmd PATH=/bin FOO=image BAR=image cwd=/data id=1000:50:50 100"), line);

        // CRI args replace Cmd (Entrypoint kept), CRI envs win per key, CRI working_dir and run_as_user win
        String over = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("over"))
                        .setImage(spec(appRef)).setLogPath("over.log").addArgs("echo args " + REPORT)
                        .addEnvs(KeyValue.newBuilder().setKey("FOO").setValue(ByteString.copyFromUtf8("cri")))
                        .addEnvs(KeyValue.newBuilder().setKey("NEW").setValue(ByteString.copyFromUtf8("x")))
                        .setWorkingDir("/opq")
                        .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                                .setRunAsUser(Int64Value.newBuilder().setValue(0)))))
                .setSandboxConfig(pod()).build()).getContainerId();
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(over).build());
        line = awaitLines(tmp.resolve("logs/over.log"), 1).get(0);
        assertTrue(line.endsWith(" stdout F args PATH=/bin FOO=cri BAR=image cwd=/opq id=0:0:0"), line);

        // image_ref is the image id (config digest); image stays the requested spec
        ContainerStatus st = client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(over).build()).getStatus();
        assertEquals(app.config.toString(), st.getImageRef());
        assertEquals(appRef, st.getImage().getImage());
        List<Container> listed = client.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList();
        assertEquals(2, listed.size());
        for (Container c : listed) {
            assertEquals(app.config.toString(), c.getImageRef(), c.getId());
            assertEquals(appRef, c.getImage().getImage());
        }
    }

    @Test
    void unknownImagesAnswerAsContainerdDoes() throws Exception {
        assertFalse(client.images().imageStatus(ImageStatusRequest.newBuilder().setImage(spec(ref)).build()).hasImage());
        client.images().removeImage(RemoveImageRequest.newBuilder().setImage(spec(ref)).build()); // idempotent
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.images().pullImage(
                PullImageRequest.newBuilder().setImage(spec(registry.authority() + "/keelson/busybox:missing")).build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("keelson/busybox:missing"), e.getStatus().getDescription());
        e = assertThrows(StatusRuntimeException.class, () -> client.images().pullImage(
                PullImageRequest.newBuilder().setImage(spec("Not A Reference")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());

        String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod()).build()).getPodSandboxId();
        e = assertThrows(StatusRuntimeException.class, () -> client.runtime().createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(podId).setConfig(container(ref, "true")).setSandboxConfig(pod()).build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains(ref), e.getStatus().getDescription());
        assertEquals(List.of(), list(tmp.resolve("root/rootfs")));
        assertEquals(List.of(), list(tmp.resolve("root/images/leases")));
    }

    @Test
    void restartedNodeUnmountsRootfsNoContainerOwns() throws Exception {
        client.images().pullImage(PullImageRequest.newBuilder().setImage(spec(ref)).build());
        Path orphan = node.rootfs().prepare("orphan", spec(ref)).path(); // as if the runtime died before recording a container
        assertEquals("overlay", mountType(orphan));
        client.close();
        node.close();
        node = start();
        assertEquals(null, mountType(orphan));
        assertEquals(List.of(), list(tmp.resolve("root/rootfs")));
        assertEquals(List.of(), list(tmp.resolve("root/images/leases")));
        assertEquals(1, ids(ListImagesRequest.getDefaultInstance()).size(), "the image itself stays");
    }

    private List<String> ids(ListImagesRequest req) {
        return client.images().listImages(req).getImagesList().stream().map(Image::getId).toList();
    }

    private FilesystemUsage imageFs() {
        List<FilesystemUsage> fs = client.images().imageFsInfo(ImageFsInfoRequest.getDefaultInstance()).getImageFilesystemsList();
        assertEquals(1, fs.size());
        return fs.get(0);
    }

    private static ImageSpec spec(String image) {
        return ImageSpec.newBuilder().setImage(image).build();
    }

    private PodSandboxConfig pod() {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("img").setNamespace("default").setUid("uid-img"))
                .setLogDirectory(tmp.resolve("logs").toString()).build();
    }

    private static ContainerConfig container(String image, String script) {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("c"))
                .setImage(spec(image)).addAllCommand(List.of("/bin/busybox", "sh", "-c", script))
                // root, not the image's User "1000:1000": the script writes into root-owned /data
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setRunAsUser(Int64Value.newBuilder().setValue(0))))
                .setLogPath("c.log").build();
    }

    /** The file system type mounted at {@code p} in this process's mount namespace, or null. */
    private static String mountType(Path p) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f[4].equals(p.toString())) {
                int dash = List.of(f).indexOf("-");
                return f[dash + 1];
            }
        }
        return null;
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

    private static void awaitFile(Path f) throws InterruptedException {
        for (int i = 0; i < 100 && !Files.exists(f); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(f), f + " written by the container");
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            List<Path> out = new ArrayList<>(s.toList());
            out.sort(null);
            return out;
        }
    }
}
