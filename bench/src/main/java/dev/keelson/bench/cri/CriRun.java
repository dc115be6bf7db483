package dev.keelson.bench.cri;

import dev.keelson.bench.Progress;
import dev.keelson.bench.Samples;
import dev.keelson.bench.runtime.GuardedRun;
import dev.keelson.bench.runtime.ImageArchives;
import dev.keelson.bench.runtime.Mounts;
import dev.keelson.bench.runtime.PrivateContainerd;
import dev.keelson.bench.runtime.ProcessTree;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One run of the CRI benchmark. Both runtimes live in one network namespace the run creates, beside
 * a registry on its loopback: {@code keelson cri} (its own process, Keelson's {@code bridge} +
 * {@code host-local} plugins in-process, bridge {@code kbr0}) and a private containerd 1.6 (the
 * reference plugins from {@code /usr/lib/cni}, exec'd, bridge {@code cbr0}), with the same conflist
 * shape. One gRPC client in this JVM drives both through their sockets. Everything is removed in
 * {@link #close()}.
 */
final class CriRun implements AutoCloseable {
    static final String KEELSON = "keelson";
    static final String CONTAINERD = "containerd";
    static final String IMAGE = LoopbackRegistry.host() + "/bench/busybox:1.0";

    private final CriPlan plan;
    private final Progress line;
    private final Path dir;
    private final NetnsDirectory pins;
    private final String cgroupParent;
    private NetNamespace netns;
    private LoopbackRegistry registry;
    private PrivateContainerd containerd;
    private KeelsonCri keelsonCri;
    private final List<CriEndpoint> endpoints = new ArrayList<>();

    final CriResults results = new CriResults();

    CriRun(CriPlan plan, Progress line) throws IOException {
        this.plan = plan;
        this.line = line;
        long pid = ProcessHandle.current().pid();
        this.dir = Files.createTempDirectory("keelson-bench-cri-");
        this.pins = NetnsDirectory.of(Path.of("/run/keelson/bench-cri-" + pid));
        this.cgroupParent = "/keelson-bench-cri-" + pid;
    }

    void measure() throws Exception {
        line.update("cri: namespace, registry on its loopback, containerd, keelson cri");
        netns = pins.create("bench", true);
        registry = LoopbackRegistry.start(netns, dir.resolve("registry"));
        Path pause = Path.of(System.getProperty("keelson.libexec"), "keelson-pause");
        containerd = PrivateContainerd.startIn(dir.resolve("containerd"), netns, List.of(LoopbackRegistry.host()), "cbr0",
                "10.247.0.0/24", "10.247.0.1", pause, null);
        pushImage();
        Path netd = Files.createDirectories(dir.resolve("keelson/net.d"));
        Files.writeString(netd.resolve("10-bench.conflist"), PrivateContainerd.conflist("kbr0", "10.246.0.0/24", "10.246.0.1",
                dir.resolve("keelson/ipam")));
        keelsonCri = KeelsonCri.start(netns, dir.resolve("keelson"), netd, LoopbackRegistry.host(), cgroupParent);
        line.end();
        List<CriEndpoint> order = List.of(endpoint(KEELSON, keelsonCri.socket), endpoint(CONTAINERD, containerd.socket()));
        for (int w = 0; w < plan.warmup(); w++) {
            for (CriEndpoint e : order) {
                line.update("cri: warm-up " + (w + 1) + "/" + plan.warmup() + " on " + e.name);
                lifecycle(e, "warm-" + w, false);
            }
        }
        for (int r = 0; r < plan.rounds(); r++) {
            for (int k = 0; k < order.size(); k++) {
                CriEndpoint e = order.get((k + r) % order.size());
                line.update("cri: round " + (r + 1) + "/" + plan.rounds() + " on " + e.name);
                lifecycle(e, "round-" + r, true);
            }
        }
        line.end();
        memory(order);
    }

    /** Builds the image into containerd, pushes it to the registry with {@code ctr}, then removes it locally. */
    private void pushImage() throws Exception {
        Path archive = ImageArchives.busybox(Files.createDirectories(dir.resolve("image")), IMAGE);
        containerd.ctr("images", "import", archive.toString());
        containerd.ctr("images", "push", "--plain-http", IMAGE, IMAGE);
        containerd.ctr("images", "rm", "--sync", IMAGE);
    }

    private CriEndpoint endpoint(String name, Path socket) {
        CriEndpoint e = new CriEndpoint(name, socket, dir.resolve("pod-logs/" + name));
        endpoints.add(e);
        return e;
    }

    /** One pod's whole life on {@code e}, each RPC timed into the results when {@code timed}. */
    private void lifecycle(CriEndpoint e, String pod, boolean timed) {
        var into = results.of(e.name);
        PodSandboxConfig cfg = e.pod(pod + "-" + e.name);
        time(into, timed, "PullImage", () -> {
            e.pullImage(IMAGE);
            return null;
        });
        String podId = time(into, timed, "RunPodSandbox", () -> e.runPodSandbox(cfg));
        long created = System.nanoTime();
        String ctr = time(into, timed, "CreateContainer", () -> e.createContainer(podId, cfg, IMAGE));
        time(into, timed, "StartContainer", () -> {
            e.startContainer(ctr);
            return null;
        });
        if (timed) {
            results.createStartOf(e.name).add(System.nanoTime() - created);
        }
        time(into, timed, "StopContainer", () -> {
            e.stopContainer(ctr);
            return null;
        });
        time(into, timed, "StopPodSandbox", () -> {
            e.stopPodSandbox(podId);
            return null;
        });
        time(into, timed, "RemovePodSandbox", () -> {
            e.removePodSandbox(podId);
            return null;
        });
        e.removeImage(IMAGE);
    }

    private static <T> T time(Map<String, Samples> into, boolean timed, String rpc, Supplier<T> call) {
        long t0 = System.nanoTime();
        T out = call.get();
        long t = System.nanoTime() - t0;
        if (timed) {
            into.get(rpc).add(t);
        }
        return out;
    }

    /** {@link CriPlan#pods()} running pods on each runtime (created alternately), memory read 5 s later, then removed. */
    private void memory(List<CriEndpoint> order) throws Exception {
        for (CriEndpoint e : order) {
            e.pullImage(IMAGE);
        }
        List<List<String>> pods = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < plan.pods(); i++) {
            for (int k = 0; k < order.size(); k++) {
                CriEndpoint e = order.get(k);
                line.update("cri: " + (i + 1) + "/" + plan.pods() + " running pods on each runtime");
                PodSandboxConfig cfg = e.pod("mem-" + i + "-" + e.name);
                String podId = e.runPodSandbox(cfg);
                pods.get(k).add(podId);
                e.startContainer(e.createContainer(podId, cfg, IMAGE));
            }
        }
        Thread.sleep(5000);
        results.keelsonMib = ProcessTree.rssMib(ProcessTree.treeOf(keelsonCri.pid()).stream()
                .filter(p -> p.pid() == keelsonCri.pid()).toList());
        results.containerdMib = ProcessTree.rssMib(ProcessTree.all().filter(p -> p.pid() == containerd.pid()).toList());
        String root = dir.resolve("keelson").toString();
        List<ProcessTree.Proc> kShims = ProcessTree.all()
                .filter(p -> p.program().equals("keelson-cri-shim") && p.commandLine().contains(root)).toList();
        List<Long> cShimPids = containerd.shimPids();
        List<ProcessTree.Proc> cShims = ProcessTree.all().filter(p -> cShimPids.contains(p.pid())).toList();
        results.keelsonShimMib = ProcessTree.rssMib(kShims);
        results.keelsonShims = kShims.size();
        results.containerdShimMib = ProcessTree.rssMib(cShims);
        results.containerdShims = cShims.size();
        line.end();
        for (int k = 0; k < order.size(); k++) {
            for (String podId : pods.get(k)) {
                line.update("cri: removing pods on " + order.get(k).name);
                order.get(k).stopPodSandbox(podId);
                order.get(k).removePodSandbox(podId);
            }
        }
        line.end();
    }

    /** Removes the (by now empty) pods' cgroup parent from every cgroup v1 hierarchy. */
    private void removeCgroupParent() throws IOException {
        try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Path cg = Path.of(h + cgroupParent);
                if (Files.isDirectory(cg)) {
                    Files.delete(cg);
                }
            }
        }
    }

    /** The scratch directory (logs live here until {@link #close()}). */
    Path dir() {
        return dir;
    }

    /**
     * Removes every pod each runtime still lists, stops both runtimes and the registry, then removes
     * the namespace, the pods' cgroup parent and the scratch directory.
     */
    @Override
    public void close() throws IOException {
        List<Exception> failures = new ArrayList<>();
        for (CriEndpoint e : endpoints) {
            try {
                e.removeAll();
            } catch (RuntimeException ex) {
                failures.add(ex);
            }
            e.close();
        }
        GuardedRun.closeAll(failures, keelsonCri, containerd, registry);
        try {
            Mounts.unmountUnder(dir);
            if (netns != null) {
                netns.close();
            }
            pins.destroy();
            removeCgroupParent();
            Mounts.deleteTree(dir);
        } catch (Exception ex) {
            failures.add(ex);
        }
        if (!failures.isEmpty()) {
            Exception first = failures.getFirst();
            IOException thrown = first instanceof IOException io ? io : new IOException("bench cri cleanup: " + first.getMessage(), first);
            failures.subList(1, failures.size()).forEach(thrown::addSuppressed);
            throw thrown;
        }
    }
}
