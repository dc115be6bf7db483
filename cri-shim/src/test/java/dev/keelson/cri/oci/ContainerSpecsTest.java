package dev.keelson.cri.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.cri.api.v1.Capability;
import dev.keelson.cri.api.v1.ContainerConfig;
import dev.keelson.cri.api.v1.LinuxContainerConfig;
import dev.keelson.cri.api.v1.LinuxContainerSecurityContext;
import dev.keelson.cri.api.v1.LinuxPodSandboxConfig;
import dev.keelson.cri.api.v1.LinuxSandboxSecurityContext;
import dev.keelson.cri.api.v1.Mount;
import dev.keelson.cri.api.v1.MountPropagation;
import dev.keelson.cri.api.v1.NamespaceMode;
import dev.keelson.cri.api.v1.NamespaceOption;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.image.ImageConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The generated config.json, field by field, for the cases the kernel tests do not reach. */
class ContainerSpecsTest {
    private static final PodNamespaces POD = new PodNamespaces(Path.of("/run/netns/p"), 4242, false, false);

    private static JsonNode spec(ContainerConfig c, PodNamespaces pod) {
        return ContainerSpecs.container(Path.of("/rootfs"), c, pod, "/keelson/p/c", Path.of("/state/etc")).json();
    }

    private static ContainerConfig.Builder sh() {
        return ContainerConfig.newBuilder().addCommand("sh").addArgs("-c").addArgs("true");
    }

    private static Map<String, String> namespaces(JsonNode s) {
        Map<String, String> out = new TreeMap<>();
        s.path("linux").path("namespaces").forEach(n -> out.put(n.path("type").asText(), n.path("path").asText("")));
        return out;
    }

    private static List<String> texts(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void defaultsJoinThePodsNamespacesAndMountThePodFiles() {
        JsonNode s = spec(sh().build(), POD);
        assertEquals(List.of("sh", "-c", "true"), texts(s.path("process").path("args")));
        assertEquals(ContainerSpecs.DEFAULT_PATH, s.path("process").path("env").get(0).asText());
        assertEquals(Map.of("mount", "", "network", "/run/netns/p", "uts", "/proc/4242/ns/uts", "ipc", "/proc/4242/ns/ipc",
                "pid", "/proc/4242/ns/pid"), namespaces(s));
        assertEquals("/keelson/p/c", s.path("linux").path("cgroupsPath").asText());
        assertEquals(OciSpec.DEFAULT_CAPABILITIES, texts(s.path("process").path("capabilities").path("bounding")));
        assertEquals(OciSpec.DEFAULT_MASKED_PATHS, texts(s.path("linux").path("maskedPaths")));
        assertFalse(s.path("root").path("readonly").asBoolean());
        List<String> dests = new ArrayList<>();
        s.path("mounts").forEach(m -> dests.add(m.path("destination").asText()));
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup",
                "/etc/hostname", "/etc/resolv.conf", "/etc/hosts"), dests);
        assertFalse(s.has("hostname"), "a container joining the pod's UTS namespace must not set a hostname");
    }

    @ParameterizedTest
    @CsvSource({"PROPAGATION_PRIVATE, rprivate, ''", "PROPAGATION_HOST_TO_CONTAINER, rslave, rslave",
            "PROPAGATION_BIDIRECTIONAL, rshared, rshared"})
    void bindMountsCarryTheirPropagationAndTheRootMountFollows(MountPropagation p, String option, String root) {
        JsonNode s = spec(sh().addMounts(Mount.newBuilder().setContainerPath("/d").setHostPath("/h").setPropagation(p)).build(), POD);
        JsonNode m = s.path("mounts").get(s.path("mounts").size() - 1);
        assertEquals("/d", m.path("destination").asText());
        assertEquals(List.of("rbind", option, "rw"), texts(m.path("options")));
        // said for every runtime: crun's own default is rprivate, runc's rslave
        assertEquals(root, s.path("linux").path("rootfsPropagation").asText(""));
    }

    @Test
    void aBidirectionalMountWinsOverAHostToContainerOneForTheRootMount() {
        JsonNode s = spec(sh().addMounts(Mount.newBuilder().setContainerPath("/a").setHostPath("/h1")
                        .setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
                .addMounts(Mount.newBuilder().setContainerPath("/b").setHostPath("/h2")
                        .setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL)).build(), POD);
        assertEquals("rshared", s.path("linux").path("rootfsPropagation").asText());
    }

    @Test
    void privilegedGetsEveryBoundingCapabilityAndNothingMasked() {
        JsonNode s = spec(sh().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setPrivileged(true))).build(), POD);
        List<String> caps = texts(s.path("process").path("capabilities").path("effective"));
        assertEquals(Capabilities.all(), caps);
        assertTrue(caps.contains("CAP_SYS_ADMIN"));
        assertFalse(caps.contains("CAP_SYS_RESOURCE"), "not in this host's bounding set, so runc could not grant it");
        assertEquals(0, s.path("linux").path("maskedPaths").size());
        assertEquals(0, s.path("linux").path("readonlyPaths").size());
    }

    @Test
    void hostIpcHostPidAndHostNetworkLeaveThoseNamespacesOut() {
        PodNamespaces host = new PodNamespaces(null, 7, true, true);
        assertEquals(Map.of("mount", "", "uts", "/proc/7/ns/uts"), namespaces(spec(sh().build(), host)));
        JsonNode nodePid = spec(sh().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext
                .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.NODE)))).build(), POD);
        assertFalse(namespaces(nodePid).containsKey("pid"));
        JsonNode own = spec(sh().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext
                .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER)))).build(), POD);
        assertEquals("", namespaces(own).get("pid"), "a new PID namespace has no path");
    }

    @Test
    void capabilityNamesAreNormalisedAndUnknownOnesRefused() {
        assertEquals(List.of("CAP_KILL", "CAP_NET_ADMIN"), Capabilities.apply(List.of("CAP_KILL", "CAP_CHOWN"),
                List.of("net_admin"), List.of("chown")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec(sh().setLinux(
                LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setCapabilities(Capability.newBuilder().addAddCapabilities("CAP_FLY")))).build(), POD));
        assertTrue(e.getMessage().contains("CAP_FLY"), e.getMessage());
    }

    @Test
    void usersAndGroupsComeFromTheImagesPasswdAndGroupFiles(@org.junit.jupiter.api.io.TempDir Path rootfs) throws Exception {
        java.nio.file.Files.createDirectories(rootfs.resolve("etc"));
        java.nio.file.Files.writeString(rootfs.resolve("etc/passwd"), """
                root:x:0:0:root:/root:/bin/sh
                # a comment
                broken line
                app:x:1234:1235:App:/home/app:/bin/sh
                """);
        java.nio.file.Files.writeString(rootfs.resolve("etc/group"), """
                app:x:1235:
                extra:x:4000:other,app
                more:x:4001:app
                none:x:4002:other
                """);
        JsonNode byName = ContainerSpecs.container(rootfs, sh().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setRunAsUsername("app").addSupplementalGroups(7))).build(),
                POD, "/k", rootfs).json().path("process").path("user");
        assertEquals(1234, byName.path("uid").asLong());
        assertEquals(1235, byName.path("gid").asLong());
        assertEquals(List.of("4000", "4001", "7"), texts(byName.path("additionalGids")));
        JsonNode byUid = ContainerSpecs.container(rootfs, sh().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setRunAsUser(dev.keelson.cri.api.v1.Int64Value.newBuilder()
                        .setValue(1234)))).build(), POD, "/k", rootfs).json().path("process").path("user");
        assertEquals(1235, byUid.path("gid").asLong(), "the gid of the uid's passwd entry");
        JsonNode unknownUid = ContainerSpecs.container(rootfs, sh().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setRunAsUser(dev.keelson.cri.api.v1.Int64Value.newBuilder()
                        .setValue(999)))).build(), POD, "/k", rootfs).json().path("process").path("user");
        assertEquals(999, unknownUid.path("uid").asLong());
        assertEquals(0, unknownUid.path("gid").asLong());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContainerSpecs.container(rootfs,
                sh().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setRunAsUsername("ghost"))).build(), POD, "/k", rootfs));
        assertTrue(e.getMessage().contains("\"ghost\"") && e.getMessage().contains("etc/passwd"), e.getMessage());
    }

    @Test
    void aContainerWithoutCommandOrArgsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec(ContainerConfig.newBuilder().build(), POD));
        assertTrue(e.getMessage().contains("no command"), e.getMessage());
    }

    @Test
    void theImageConfigFillsWhatTheContainerConfigLeavesOut(@org.junit.jupiter.api.io.TempDir Path rootfs) throws Exception {
        java.nio.file.Files.createDirectories(rootfs.resolve("etc"));
        java.nio.file.Files.writeString(rootfs.resolve("etc/passwd"), "app:x:1234:1235::/:/bin/sh\n");
        java.nio.file.Files.writeString(rootfs.resolve("etc/group"), "app:x:1235:\nstaff:x:50:\nmore:x:4001:app\n");
        ImageConfig img = new ImageConfig(List.of("/ep"), List.of("c1", "c2"), List.of("PATH=/img", "A=1", "B=2"), "/w", "app:staff");
        ContainerConfig.Builder bare = ContainerConfig.newBuilder().setImage(dev.keelson.cri.api.v1.ImageSpec.newBuilder().setImage("app:1"));
        JsonNode p = ContainerSpecs.container(rootfs, bare.build(), img, POD, "/k", rootfs).json().path("process");
        assertEquals(List.of("/ep", "c1", "c2"), texts(p.path("args")));
        assertEquals(List.of("PATH=/img", "A=1", "B=2"), texts(p.path("env")));
        assertEquals("/w", p.path("cwd").asText());
        assertEquals(1234, p.path("user").path("uid").asLong());
        assertEquals(50, p.path("user").path("gid").asLong());
        assertEquals(List.of("4001"), texts(p.path("user").path("additionalGids")));

        JsonNode args = ContainerSpecs.container(rootfs, bare.clone().addArgs("a1").addEnvs(dev.keelson.cri.api.v1.KeyValue.newBuilder()
                .setKey("A").setValue(com.google.protobuf.ByteString.copyFromUtf8("cri"))).setWorkingDir("/cw").build(),
                img, POD, "/k", rootfs).json().path("process");
        assertEquals(List.of("/ep", "a1"), texts(args.path("args")), "args replace Cmd, Entrypoint stays");
        assertEquals(List.of("PATH=/img", "A=cri", "B=2"), texts(args.path("env")), "CRI wins per key, in place");
        assertEquals("/cw", args.path("cwd").asText());
        JsonNode cmd = ContainerSpecs.container(rootfs, bare.clone().addCommand("/c").build(), img, POD, "/k", rootfs).json()
                .path("process");
        assertEquals(List.of("/c"), texts(cmd.path("args")), "command replaces Entrypoint and drops Cmd");
        JsonNode numeric = ContainerSpecs.container(rootfs, bare.build(), new ImageConfig(List.of("/ep"), List.of(), List.of(),
                "", "1234"), POD, "/k", rootfs).json().path("process");
        assertEquals(1235, numeric.path("user").path("gid").asLong(), "a bare uid takes its passwd gid");
        assertEquals("/", numeric.path("cwd").asText());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContainerSpecs.container(rootfs,
                bare.build(), new ImageConfig(List.of(), List.of(), List.of(), "", ""), POD, "/k", rootfs));
        assertTrue(e.getMessage().contains("no command") && e.getMessage().contains("\"app:1\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ContainerSpecs.container(rootfs, bare.build(),
                new ImageConfig(List.of("/ep"), List.of(), List.of(), "", "app:ghosts"), POD, "/k", rootfs));
        assertTrue(e.getMessage().contains("\"ghosts\"") && e.getMessage().contains("etc/group"), e.getMessage());
    }

    @Test
    void pauseHasItsOwnIpcUtsAndPidNamespacesTheHostnameAndSysctls() {
        PodSandboxConfig pod = PodSandboxConfig.newBuilder().setHostname("h1")
                .setLinux(LinuxPodSandboxConfig.newBuilder().putSysctls("net.ipv4.ip_forward", "1")).build();
        JsonNode s = ContainerSpecs.pause(Path.of("/pause-rootfs"), pod, Path.of("/run/netns/p"), "/k/p/p").json();
        assertEquals(Map.of("mount", "", "network", "/run/netns/p", "uts", "", "ipc", "", "pid", ""), namespaces(s));
        assertEquals("h1", s.path("hostname").asText());
        assertEquals("1", s.path("linux").path("sysctl").path("net.ipv4.ip_forward").asText());
        assertTrue(s.path("root").path("readonly").asBoolean());
        assertEquals(List.of("/pause"), texts(s.path("process").path("args")));
        assertTrue(s.path("process").path("oomScoreAdj").asInt() >= 0, "clamped: -998 needs CAP_SYS_RESOURCE");

        PodSandboxConfig hostNet = pod.toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                        .setNetwork(NamespaceMode.NODE).setIpc(NamespaceMode.NODE).setPid(NamespaceMode.NODE)))).build();
        JsonNode h = ContainerSpecs.pause(Path.of("/pause-rootfs"), hostNet, null, "/k/p/p").json();
        assertEquals(Map.of("mount", ""), namespaces(h));
        assertFalse(h.has("hostname"));
    }
}
