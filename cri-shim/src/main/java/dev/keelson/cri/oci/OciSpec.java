package dev.keelson.cri.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * An OCI runtime-spec 1.0.2 {@code config.json} under construction (opencontainers/runtime-spec
 * {@code config.md}, {@code config-linux.md}). Starts from the defaults every CRI container gets —
 * proc, a tmpfs /dev, devpts, shm, mqueue, read-only sysfs and cgroup mounts, the usual masked
 * and read-only paths — and is shaped by {@link ContainerSpecs} from CRI configs.
 */
public final class OciSpec {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** containerd's default capability set for non-privileged containers. */
    public static final List<String> DEFAULT_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
            "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    /** Paths hidden from non-privileged containers (containerd's defaults). */
    public static final List<String> DEFAULT_MASKED_PATHS = List.of("/proc/acpi", "/proc/asound", "/proc/kcore",
            "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
            "/proc/scsi", "/sys/firmware");
    /** Paths read-only in non-privileged containers (containerd's defaults). */
    public static final List<String> DEFAULT_READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq",
            "/proc/sys", "/proc/sysrq-trigger");

    private final ObjectNode root = F.objectNode();
    private final ObjectNode process;
    private final ObjectNode linux;
    private final ArrayNode mounts;
    private final ArrayNode namespaces;

    public OciSpec(Path rootfs, boolean readonlyRootfs) {
        root.put("ociVersion", "1.0.2");
        process = root.putObject("process");
        process.put("terminal", false);
        process.putObject("user").put("uid", 0).put("gid", 0);
        process.put("cwd", "/");
        root.putObject("root").put("path", rootfs.toString()).put("readonly", readonlyRootfs);
        mounts = root.putArray("mounts");
        mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
        mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        mount("/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
        mount("/dev/shm", "shm", "tmpfs", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
        mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
        mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
        mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"));
        linux = root.putObject("linux");
        namespaces = linux.putArray("namespaces");
        namespace("mount", null);
        long nofile = Math.min(1048576, HostLimits.nofileHard());
        process.putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("hard", nofile).put("soft", nofile);
        paths("maskedPaths", DEFAULT_MASKED_PATHS);
        paths("readonlyPaths", DEFAULT_READONLY_PATHS);
        capabilities(DEFAULT_CAPABILITIES);
    }

    public OciSpec args(List<String> args) {
        strings(process.putArray("args"), args);
        return this;
    }

    public OciSpec env(List<String> env) {
        strings(process.putArray("env"), env);
        return this;
    }

    public OciSpec cwd(String cwd) {
        process.put("cwd", cwd);
        return this;
    }

    public OciSpec user(long uid, long gid, Collection<Long> additionalGids) {
        ObjectNode u = process.putObject("user").put("uid", uid).put("gid", gid);
        if (!additionalGids.isEmpty()) {
            ArrayNode a = u.putArray("additionalGids");
            additionalGids.forEach(a::add);
        }
        return this;
    }

    /** The same set as bounding, effective, permitted (and inheritable empty, ambient empty). */
    public OciSpec capabilities(Collection<String> caps) {
        ObjectNode c = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            strings(c.putArray(set), caps);
        }
        return this;
    }

    /** {@code process.terminal}: the process gets a pseudo-terminal as its stdio (its master goes to the console socket). */
    public OciSpec terminal(boolean on) {
        process.put("terminal", on);
        return this;
    }

    public OciSpec noNewPrivileges(boolean on) {
        process.put("noNewPrivileges", on);
        return this;
    }

    /** {@code oomScoreAdj}, clamped by {@link HostLimits#clampOomScoreAdj}. */
    public OciSpec oomScoreAdj(long requested) {
        process.put("oomScoreAdj", HostLimits.clampOomScoreAdj(requested));
        return this;
    }

    public OciSpec hostname(String hostname) {
        root.put("hostname", hostname);
        return this;
    }

    /** A mount; options as in mount(8) / the runtime-spec. */
    public OciSpec mount(String destination, String source, String type, List<String> options) {
        ObjectNode m = mounts.addObject().put("destination", destination).put("type", type).put("source", source);
        strings(m.putArray("options"), options);
        return this;
    }

    /**
     * A bind mount of {@code source}; {@code propagation} is {@code rprivate}, {@code rslave} or
     * {@code rshared}.
     */
    public OciSpec bind(String destination, String source, boolean readonly, String propagation) {
        return mount(destination, source, "bind", readonly ? List.of("rbind", propagation, "ro") : List.of("rbind", propagation, "rw"));
    }

    /** A namespace of {@code type} (runtime-spec names: network, pid, ipc, uts, mount): joined at {@code path}, or new when null. */
    public OciSpec namespace(String type, Path path) {
        for (int i = 0; i < namespaces.size(); i++) {
            if (type.equals(namespaces.get(i).path("type").asText())) {
                namespaces.remove(i);
                break;
            }
        }
        ObjectNode n = namespaces.addObject().put("type", type);
        if (path != null) {
            n.put("path", path.toString());
        }
        return this;
    }

    /**
     * {@code linux.rootfsPropagation}: how the container's root mount propagates ({@code rshared},
     * {@code rslave}, {@code rprivate}); runc's default when unset is {@code rslave}.
     */
    public OciSpec rootfsPropagation(String propagation) {
        linux.put("rootfsPropagation", propagation);
        return this;
    }

    /** {@code linux.seccomp} (runtime-spec config-linux.md#seccomp); null leaves the process unfiltered. */
    public OciSpec seccomp(ObjectNode profile) {
        if (profile == null) {
            linux.remove("seccomp");
        } else {
            linux.set("seccomp", profile);
        }
        return this;
    }

    /** Drops the mounts at these destinations. */
    public OciSpec withoutMounts(String... destinations) {
        java.util.Set<String> gone = java.util.Set.of(destinations);
        for (int i = mounts.size() - 1; i >= 0; i--) {
            if (gone.contains(mounts.get(i).path("destination").asText())) {
                mounts.remove(i);
            }
        }
        return this;
    }

    public OciSpec maskedPaths(List<String> paths) {
        paths("maskedPaths", paths);
        return this;
    }

    public OciSpec readonlyPaths(List<String> paths) {
        paths("readonlyPaths", paths);
        return this;
    }

    /** cgroupfs path, e.g. {@code /keelson/POD/CTR} (relative to each v1 hierarchy's root). */
    public OciSpec cgroupsPath(String path) {
        linux.put("cgroupsPath", path);
        return this;
    }

    /** CPU and memory limits; zero or negative values are left out (no limit). */
    public OciSpec resources(long cpuShares, long cpuQuota, long cpuPeriod, long memoryLimit) {
        ObjectNode r = limits(cpuShares, cpuQuota, cpuPeriod, memoryLimit);
        r.putArray("devices").addObject().put("allow", false).put("access", "rwm");
        linux.set("resources", r);
        return this;
    }

    /** An OCI {@code linux.resources} object with only CPU and memory (what {@code runtime update} takes). */
    public static ObjectNode limits(long cpuShares, long cpuQuota, long cpuPeriod, long memoryLimit) {
        ObjectNode r = F.objectNode();
        ObjectNode cpu = F.objectNode();
        if (cpuShares > 0) {
            cpu.put("shares", cpuShares);
        }
        if (cpuQuota > 0) {
            cpu.put("quota", cpuQuota);
        }
        if (cpuPeriod > 0) {
            cpu.put("period", cpuPeriod);
        }
        if (!cpu.isEmpty()) {
            r.set("cpu", cpu);
        }
        if (memoryLimit > 0) {
            r.putObject("memory").put("limit", memoryLimit);
        }
        return r;
    }

    public OciSpec sysctls(Map<String, String> sysctls) {
        if (!sysctls.isEmpty()) {
            ObjectNode s = linux.putObject("sysctl");
            sysctls.forEach(s::put);
        }
        return this;
    }

    /** The spec as JSON (a copy). */
    public ObjectNode json() {
        return root.deepCopy();
    }

    /** Writes {@code bundle/config.json}. */
    public void write(Path bundle) {
        try {
            Files.write(bundle.resolve("config.json"), JSON.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + bundle.resolve("config.json") + ": " + e.getMessage(), e);
        }
    }

    private void paths(String field, List<String> paths) {
        strings(linux.putArray(field), paths);
    }

    private static void strings(ArrayNode a, Collection<String> values) {
        values.forEach(a::add);
    }
}
