package dev.keelson.cri.oci;

import dev.keelson.cri.api.v1.ContainerConfig;
import dev.keelson.cri.api.v1.KeyValue;
import dev.keelson.cri.api.v1.LinuxContainerResources;
import dev.keelson.cri.api.v1.LinuxContainerSecurityContext;
import dev.keelson.cri.api.v1.LinuxSandboxSecurityContext;
import dev.keelson.cri.api.v1.Mount;
import dev.keelson.cri.api.v1.NamespaceMode;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.image.ImageConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OCI specs from CRI configs: the pause container of a sandbox, and an application container
 * joining the pod's namespaces.
 */
public final class ContainerSpecs {
    /** The PATH a container gets when its config sets none (containerd's default). */
    public static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** The pause container's only program, at the root of its rootfs. */
    public static final String PAUSE_BINARY = "/pause";

    private ContainerSpecs() {
    }

    /**
     * The pause container: read-only rootfs holding only {@code /pause}; the pod's network
     * namespace joined by path (or the node's); new IPC and UTS namespaces (the node's for
     * host IPC / host network); a new PID namespace (the node's for host PID); the pod's
     * hostname and sysctls; no capabilities beyond the defaults. Only /proc, /dev, /dev/pts and
     * /dev/shm are mounted, and nothing is masked: {@code pause} is Keelson's own static program,
     * which reads no file and only waits, so sysfs, the cgroup tree (a bind mount per v1
     * hierarchy), mqueue and the masked and read-only paths (a mount each) would be runtime work
     * on every RunPodSandbox for nothing.
     */
    public static OciSpec pause(Path rootfs, PodSandboxConfig pod, Path netns, String cgroupsPath) {
        NamespaceMode net = sandboxNs(pod).getNetwork();
        OciSpec s = new OciSpec(rootfs, true).args(List.of(PAUSE_BINARY)).env(List.of(DEFAULT_PATH))
                .noNewPrivileges(true).cgroupsPath(cgroupsPath).oomScoreAdj(-998)
                .resources(PAUSE_CPU_SHARES, 0, 0, 0).sysctls(pod.getLinux().getSysctlsMap())
                .withoutMounts("/sys", "/sys/fs/cgroup", "/dev/mqueue").maskedPaths(List.of()).readonlyPaths(List.of());
        if (net != NamespaceMode.NODE) {
            s.namespace("network", netns).namespace("uts", null);
            if (!pod.getHostname().isEmpty()) {
                s.hostname(pod.getHostname());
            }
        }
        if (sandboxNs(pod).getIpc() != NamespaceMode.NODE) {
            s.namespace("ipc", null);
        }
        if (sandboxNs(pod).getPid() != NamespaceMode.NODE) {
            s.namespace("pid", null);
        }
        return s;
    }

    /** The pause container's {@code cpu.shares}: the least there is, as containerd gives it. */
    public static final long PAUSE_CPU_SHARES = 2;

    /**
     * An application container of a pod, with no image defaults (a plain rootfs directory).
     *
     * @param etc files the pod provides: {@code hostname}, {@code resolv.conf}, {@code hosts} in this directory
     */
    public static OciSpec container(Path rootfs, ContainerConfig c, PodNamespaces pod, String cgroupsPath, Path etc) {
        return container(rootfs, c, ImageConfig.EMPTY, pod, cgroupsPath, etc);
    }

    /**
     * An application container of a pod, its process merged from the CRI config over the image's
     * defaults as containerd's CRI does: {@code command} replaces the image Entrypoint and
     * {@code args} the image Cmd; with no {@code command} the process is the image Entrypoint
     * followed by {@code args}, or by the image Cmd when there are no {@code args} (Kubernetes'
     * command/args semantics). The environment is the default PATH, then the image Env, then the
     * CRI envs, a later entry replacing an earlier one of the same key in place. The working
     * directory is {@code working_dir}, else the image WorkingDir, else "/". The user is the CRI
     * {@code run_as_user}/{@code run_as_username} ({@code run_as_group} only with one of them, as
     * containerd insists), else the image User, resolved in the rootfs' /etc/passwd and /etc/group.
     * A bidirectional mount makes the container's root mount {@code rshared} (else runc makes the
     * whole tree a slave and a mount made in the container never reaches the node); a
     * host-to-container one makes it {@code rslave}, runc's default, said for crun (whose default
     * {@code rprivate} cuts the volume off the host's later mounts). A
     * non-privileged container gets the seccomp filter of its profile ({@link SeccompProfiles}).
     *
     * @param etc files the pod provides: {@code hostname}, {@code resolv.conf}, {@code hosts} in this directory
     * @throws IllegalArgumentException no command results (naming the image), or a user or group is unknown
     */
    public static OciSpec container(Path rootfs, ContainerConfig c, ImageConfig image, PodNamespaces pod, String cgroupsPath,
            Path etc) {
        LinuxContainerSecurityContext sc = c.getLinux().getSecurityContext();
        List<String> args = new ArrayList<>(c.getCommandCount() > 0 ? c.getCommandList() : image.entrypoint());
        args.addAll(c.getCommandCount() > 0 || c.getArgsCount() > 0 ? c.getArgsList() : image.cmd());
        if (args.isEmpty()) {
            throw new IllegalArgumentException("container \"" + c.getMetadata().getName() + "\": no command: neither its config "
                    + "nor image \"" + c.getImage().getImage() + "\" (Entrypoint, Cmd) gives one");
        }
        Map<String, String> byKey = new LinkedHashMap<>();
        byKey.put(key(DEFAULT_PATH), DEFAULT_PATH);
        for (String kv : image.env()) {
            byKey.put(key(kv), kv);
        }
        for (KeyValue kv : c.getEnvsList()) {
            byKey.put(kv.getKey(), kv.getKey() + "=" + kv.getValue().toStringUtf8());
        }
        List<String> env = new ArrayList<>(byKey.values());
        String cwd = !c.getWorkingDir().isEmpty() ? c.getWorkingDir() : !image.workingDir().isEmpty() ? image.workingDir() : "/";
        ProcessUser user = user(rootfs, sc, image.user());
        OciSpec s = new OciSpec(rootfs, sc.getReadonlyRootfs()).args(args).env(env)
                .cwd(cwd)
                .user(user.uid(), user.gid(), user.groups())
                .noNewPrivileges(sc.getNoNewPrivs()).terminal(c.getTty())
                .cgroupsPath(cgroupsPath);
        if (sc.getPrivileged()) {
            s.capabilities(Capabilities.all()).maskedPaths(List.of()).readonlyPaths(List.of());
        } else {
            List<String> caps = Capabilities.apply(OciSpec.DEFAULT_CAPABILITIES, sc.getCapabilities().getAddCapabilitiesList(),
                    sc.getCapabilities().getDropCapabilitiesList());
            s.capabilities(caps).seccomp(SeccompProfiles.forContainer(sc.hasSeccomp() ? sc.getSeccomp() : null, caps));
            if (sc.getMaskedPathsCount() > 0) {
                s.maskedPaths(sc.getMaskedPathsList());
            }
            if (sc.getReadonlyPathsCount() > 0) {
                s.readonlyPaths(sc.getReadonlyPathsList());
            }
        }
        LinuxContainerResources r = c.getLinux().getResources();
        s.resources(r.getCpuShares(), r.getCpuQuota(), r.getCpuPeriod(), r.getMemoryLimitInBytes());
        s.oomScoreAdj(r.getOomScoreAdj());
        if (pod.netns() != null) {
            s.namespace("network", pod.netns());
        }
        s.namespace("uts", pod.ofPause("uts"));
        if (!pod.hostIpc()) {
            s.namespace("ipc", pod.ofPause("ipc"));
        }
        NamespaceMode pid = sc.getNamespaceOptions().getPid();
        // POD joins the pause container's PID namespace, CONTAINER gets its own, NODE (or a
        // host-PID pod) has no pid entry: the node's.
        if (!pod.hostPid() && pid != NamespaceMode.NODE) {
            s.namespace("pid", pid == NamespaceMode.POD ? pod.ofPause("pid") : null);
        }
        for (String f : List.of("hostname", "resolv.conf", "hosts")) {
            s.bind("/etc/" + f, etc.resolve(f).toString(), false, "rprivate");
        }
        for (Mount m : c.getMountsList()) {
            s.bind(m.getContainerPath(), m.getHostPath(), m.getReadonly(), switch (m.getPropagation()) {
                case PROPAGATION_HOST_TO_CONTAINER -> "rslave";
                case PROPAGATION_BIDIRECTIONAL -> "rshared";
                default -> "rprivate";
            });
        }
        if (c.getMountsList().stream().anyMatch(m -> m.getPropagation() == dev.keelson.cri.api.v1.MountPropagation.PROPAGATION_BIDIRECTIONAL)) {
            s.rootfsPropagation("rshared");
        } else if (c.getMountsList().stream()
                .anyMatch(m -> m.getPropagation() == dev.keelson.cri.api.v1.MountPropagation.PROPAGATION_HOST_TO_CONTAINER)) {
            // runc's default, said for crun, whose default (rprivate) cuts the volume off the host's later mounts
            s.rootfsPropagation("rslave");
        }
        return s;
    }

    private record ProcessUser(long uid, long gid, List<Long> groups) {
    }

    /** The key of an {@code KEY=value} entry (the whole entry when it has no '='). */
    private static String key(String kv) {
        int eq = kv.indexOf('=');
        return eq < 0 ? kv : kv.substring(0, eq);
    }

    /**
     * uid, gid and groups as containerd decides them: {@code run_as_username} looked up in the
     * rootfs' /etc/passwd (an unknown name is refused); a {@code run_as_user} without a
     * {@code run_as_group} takes the gid of its passwd entry (0 when none); with neither, the image
     * User applies; supplementary groups are the groups listing the user in /etc/group plus the
     * configured ones.
     */
    private static ProcessUser user(Path rootfs, LinuxContainerSecurityContext sc, String imageUser) {
        ImageUsers.User entry = null;
        long uid = 0;
        Long group = sc.hasRunAsGroup() ? sc.getRunAsGroup().getValue() : null;
        if (group != null && !sc.hasRunAsUser() && sc.getRunAsUsername().isEmpty()) {
            // CRI: run_as_group "should only be specified when runAsUser or runAsUsername is specified"
            throw new IllegalArgumentException("run_as_group " + group + " is set without run_as_user or run_as_username");
        }
        if (!sc.getRunAsUsername().isEmpty()) {
            entry = byName(rootfs, sc.getRunAsUsername());
            uid = entry.uid();
        } else if (sc.hasRunAsUser()) {
            uid = sc.getRunAsUser().getValue();
            entry = ImageUsers.byUid(rootfs, uid).orElse(null);
        } else if (!imageUser.isEmpty()) {
            // image-spec config.md: User is "user", "uid", "user:group", "uid:gid", "uid:group" or "user:gid"
            int colon = imageUser.indexOf(':');
            String u = colon < 0 ? imageUser : imageUser.substring(0, colon);
            if (u.matches("\\d+")) {
                uid = Long.parseLong(u);
                entry = ImageUsers.byUid(rootfs, uid).orElse(null);
            } else {
                entry = byName(rootfs, u);
                uid = entry.uid();
            }
            if (colon >= 0 && group == null) {
                String g = imageUser.substring(colon + 1);
                group = g.matches("\\d+") ? Long.valueOf(g) : ImageUsers.groupByName(rootfs, g).orElseThrow(() ->
                        new IllegalArgumentException("image user \"" + imageUser + "\": group \"" + g + "\" is not in "
                                + rootfs.resolve("etc/group")));
            }
        }
        long gid = group != null ? group : entry == null ? 0 : entry.gid();
        java.util.LinkedHashSet<Long> groups = new java.util.LinkedHashSet<>();
        if (entry != null) {
            groups.addAll(ImageUsers.groupsOf(rootfs, entry.name()));
        }
        groups.addAll(sc.getSupplementalGroupsList());
        groups.remove(gid);
        return new ProcessUser(uid, gid, List.copyOf(groups));
    }

    private static ImageUsers.User byName(Path rootfs, String name) {
        return ImageUsers.byName(rootfs, name).orElseThrow(() -> new IllegalArgumentException(
                "user \"" + name + "\" is not in " + rootfs.resolve("etc/passwd")));
    }

    private static dev.keelson.cri.api.v1.NamespaceOption sandboxNs(PodSandboxConfig pod) {
        LinuxSandboxSecurityContext sc = pod.getLinux().getSecurityContext();
        return sc.getNamespaceOptions();
    }
}
