package dev.keelson.bench.runtime;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * containerd 1.6 (Debian's package) as the peer CRI runtime, private to one benchmark run: its
 * root, state, socket, CNI config and host-local data all live under one scratch directory, and it
 * runs in a network namespace the benchmark creates (never the caller's), where the reference
 * {@code bridge} plugin makes the pods' bridge. No registry is used: the sandbox image is Keelson's
 * static pause program and the workload image is the same busybox image Keelson's runtime imports,
 * both loaded with {@code ctr images import}.
 *
 * <p>Settings that differ from a stock node and why: {@code restrict_oom_score_adj} (root here lacks
 * CAP_SYS_RESOURCE, so lowering a container's OOM score would fail), the cgroupfs driver (no systemd).
 */
public final class PrivateContainerd implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/containerd");
    public static final String PAUSE_IMAGE = "keelson.local/pause:1.0";
    private static final Path CNI_BIN = Path.of("/usr/lib/cni");

    private final Path dir;
    private final NetnsDirectory pins;
    /** Where containerd runs; when {@code pins} is null the caller owns it and closes it. */
    private NetNamespace netns;
    /** Registry hosts reached through {@code http://HOST}, each its own mirror (a registry on loopback). */
    private List<String> plainHttpRegistries = List.of();
    private Process process;
    /** containerd's default cgroup parent ({@code /k8s.io}) in each hierarchy where this run created it. */
    private List<Path> cgroupsMade = List.of();

    private PrivateContainerd(Path dir, NetnsDirectory pins, NetNamespace netns) {
        this.dir = dir;
        this.pins = pins;
        this.netns = netns;
    }

    /** Why containerd cannot run here, or null when it can. */
    public static String unavailable() {
        if (!Files.isExecutable(BINARY)) {
            return BINARY + " is missing (apt-get install containerd)";
        }
        if (!Files.isExecutable(CNI_BIN.resolve("bridge"))) {
            return CNI_BIN.resolve("bridge") + " is missing (apt-get install containernetworking-plugins)";
        }
        return null;
    }

    /**
     * Starts containerd in a new network namespace pinned in {@code pins}, with its pods on bridge
     * {@code bridge} over {@code subnet}, and imports the two images.
     */
    public static PrivateContainerd start(Path dir, NetnsDirectory pins, String bridge, String subnet, String gateway,
                                   Path pauseProgram, String busyboxReference) throws Exception {
        return start(new PrivateContainerd(Files.createDirectories(dir), pins, null), bridge, subnet, gateway, pauseProgram,
                busyboxReference);
    }

    /**
     * Starts containerd in {@code netns}, which the caller made and keeps (other processes may share
     * it), with plain-HTTP access to {@code registries} ({@code HOST:PORT}, e.g. a registry on the
     * namespace's loopback); imports the pause image and, unless {@code busyboxReference} is null,
     * the busybox image.
     */
    public static PrivateContainerd startIn(Path dir, NetNamespace netns, List<String> registries, String bridge,
                                            String subnet, String gateway, Path pauseProgram, String busyboxReference)
            throws Exception {
        PrivateContainerd c = new PrivateContainerd(Files.createDirectories(dir), null, netns);
        c.plainHttpRegistries = List.copyOf(registries);
        return start(c, bridge, subnet, gateway, pauseProgram, busyboxReference);
    }

    private static PrivateContainerd start(PrivateContainerd c, String bridge, String subnet, String gateway,
                                           Path pauseProgram, String busyboxReference) throws Exception {
        Path dir = c.dir;
        try {
            c.startProcess(bridge, subnet, gateway);
            Path images = Files.createDirectories(dir.resolve("images"));
            c.ctr("images", "import", ImageArchives.pause(images, pauseProgram, PAUSE_IMAGE).toString());
            if (busyboxReference != null) {
                c.ctr("images", "import", ImageArchives.busybox(images, busyboxReference).toString());
            }
            return c;
        } catch (Exception | Error e) {
            try {
                c.close();
            } catch (Exception cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void startProcess(String bridge, String subnet, String gateway) throws Exception {
        Path netd = Files.createDirectories(dir.resolve("net.d"));
        Files.writeString(netd.resolve("10-bench.conflist"), conflist(bridge, subnet, gateway, dir.resolve("ipam")));
        Files.writeString(config(), configToml(dir, netd) + mirrorsToml(plainHttpRegistries));
        cgroupsMade = cgroupParents().stream().filter(p -> !Files.exists(p)).toList();
        if (pins != null) {
            netns = pins.create("ctrd", true);
        }
        process = new ProcessBuilder("nsenter", "--net=" + netns.path(), "--", BINARY.toString(), "--config", config().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("containerd exited with status " + process.exitValue() + ": " + logTail());
            }
            if (Files.exists(socket())) {
                try {
                    ctr("version");
                    return;
                } catch (IOException notYet) {
                    // the socket file appears before the server answers
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("containerd did not answer on " + socket() + " within 30 s: " + logTail());
            }
            Thread.sleep(50);
        }
    }

    /** The CRI socket. */
    public Path socket() {
        return dir.resolve("containerd.sock");
    }

    /** containerd's own process id. */
    public long pid() {
        return process.pid();
    }

    /** The last lines of containerd's log, for error messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("containerd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Runs {@code ctr --address SOCKET -n k8s.io ARGS} in containerd's namespace (so a registry on its loopback is reachable); returns its output. */
    public String ctr(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + netns.path(), "--", "ctr", "--address", socket().toString(), "-n", "k8s.io"));
        cmd.addAll(List.of(args));
        return ImageArchives.run(cmd, "ctr " + String.join(" ", args));
    }

    private Path config() {
        return dir.resolve("config.toml");
    }

    public static String configToml(Path dir, Path netd) {
        return """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
                  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
                  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
                [grpc]
                  address = "%1$s/containerd.sock"
                [ttrpc]
                  address = "%1$s/containerd.sock.ttrpc"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"
                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "%2$s"
                  restrict_oom_score_adj = true
                  [plugins."io.containerd.grpc.v1.cri".containerd]
                    snapshotter = "overlayfs"
                    default_runtime_name = "runc"
                    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                      runtime_type = "io.containerd.runc.v2"
                      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                        BinaryName = "runc"
                  [plugins."io.containerd.grpc.v1.cri".cni]
                    bin_dir = "%3$s"
                    conf_dir = "%4$s"
                """.formatted(dir, PAUSE_IMAGE, CNI_BIN, netd);
    }

    /** CRI registry mirrors: each of {@code hosts} reached over plain HTTP at itself. */
    public static String mirrorsToml(List<String> hosts) {
        StringBuilder b = new StringBuilder();
        for (String h : hosts) {
            b.append("""
                    [plugins."io.containerd.grpc.v1.cri".registry.mirrors."%1$s"]
                      endpoint = ["http://%1$s"]
                    """.formatted(h));
        }
        return b.toString();
    }

    /** The same network shape as {@code keelson up}'s node (bridge + host-local, gateway, ipMasq, hairpin), CNI 1.0.0. */
    public static String conflist(String bridge, String subnet, String gateway, Path ipamDir) {
        return """
                {
                  "cniVersion": "1.0.0",
                  "name": "bench-containerd",
                  "plugins": [
                    {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": true, "hairpinMode": true,
                     "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s", "gateway": "%s"}]],
                              "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"}}
                  ]
                }
                """.formatted(bridge, subnet, gateway, ipamDir);
    }

    /** The shim processes serving this containerd's containers (one per pod). */
    public List<Long> shimPids() {
        String marker = socket().toString();
        return ProcessTree.all().filter(p -> p.commandLine().contains("containerd-shim") && p.commandLine().contains(marker))
                .map(ProcessTree.Proc::pid).toList();
    }

    /** {@code /sys/fs/cgroup/<hierarchy>/k8s.io} for every mounted hierarchy (cgroup v1), or the one v2 path. */
    private static List<Path> cgroupParents() throws IOException {
        Path root = Path.of("/sys/fs/cgroup");
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return List.of(root.resolve("k8s.io"));
        }
        try (var s = Files.list(root)) {
            return s.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).map(p -> p.resolve("k8s.io")).toList();
        }
    }

    /** Removes {@code cg} and its child cgroups, deepest first; a cgroup with processes left stays (rmdir fails). */
    private static void removeEmptyCgroup(Path cg) {
        if (!Files.isDirectory(cg)) {
            return;
        }
        try (var children = Files.list(cg)) {
            for (Path c : children.filter(Files::isDirectory).toList()) {
                removeEmptyCgroup(c);
            }
            Files.delete(cg);
        } catch (IOException busy) {
            // still populated: leave it rather than fail the run's cleanup
        }
    }

    /** How many containers (sandboxes included) containerd still has. */
    public int containerCount() throws IOException, InterruptedException {
        return (int) ctr("containers", "ls", "-q").lines().filter(l -> !l.isBlank()).count();
    }

    /**
     * Stops containerd (SIGTERM, then SIGKILL after 20 s), then any shim it left (by process id),
     * unmounts what is still mounted under its directory, and deletes the namespace and the directory.
     */
    @Override
    public void close() throws IOException {
        if (process != null) {
            List<Long> shims = process.isAlive() ? shimPids() : List.of();
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (long pid : shims) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        Mounts.unmountUnder(dir);
        for (Path cg : cgroupsMade) {
            removeEmptyCgroup(cg);
        }
        if (netns != null && pins != null) {
            netns.close();
            pins.delete("ctrd");
        }
        Mounts.deleteTree(dir);
    }
}
