package dev.keelson.cri.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.keelson.cni.invoke.NetworkList;
import dev.keelson.cni.invoke.RuntimeConf;
import dev.keelson.cni.plugins.common.Cleanup;
import dev.keelson.cni.spec.IpConfig;
import dev.keelson.cni.spec.Result;
import dev.keelson.cri.api.v1.NamespaceMode;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.api.v1.PodSandboxMetadata;
import dev.keelson.cri.api.v1.PortMapping;
import dev.keelson.cri.container.NotFoundException;
import dev.keelson.cri.oci.ContainerSpecs;
import dev.keelson.cri.oci.OciRuntime;
import dev.keelson.cri.oci.PodNamespaces;
import dev.keelson.netns.NetNamespace;
import dev.keelson.linux.EventLoop;
import dev.keelson.netns.NetnsDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Pod sandboxes: RunPodSandbox, StopPodSandbox, RemovePodSandbox and the records behind the
 * status and list RPCs.
 *
 * <p>RunPodSandbox takes these steps, each registering its undo, so a failure at any step leaves
 * nothing behind (no netns pin, CNI allocation, runtime state, cgroup or state directory):
 * <pre>
 *   state dir ─▶ netns pin ─▶ CNI ADD (portMappings capability) ─▶ /etc files ─▶ pause create+start ─▶ record
 * </pre>
 * A host-network pod skips the netns and CNI steps.
 */
public final class SandboxManager {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration PAUSE_EXIT_WAIT = Duration.ofSeconds(10);

    private final RuntimeSettings settings;
    private final RecordFiles<SandboxRecord> files;
    private final Map<String, SandboxRecord> sandboxes = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Reserved sandbox names (containerd's name index): name_namespace_uid_attempt → id, taken before any work. */
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private volatile PodContainers containers;

    public SandboxManager(RuntimeSettings settings) {
        this.settings = settings;
        this.files = new RecordFiles<>(settings.root().resolve("sandboxes"), SandboxRecord.class);
        Tree.sweep(settings.root().resolve("sandboxes"));
        for (SandboxRecord r : files.readAll()) {
            sandboxes.put(r.id(), r);
            names.put(nameOf(r.podConfig().getMetadata()), r.id());
        }
        for (SandboxRecord r : list()) {
            if (r.state().equals(SandboxRecord.READY)) {
                ProcessHandle.of(r.shimPid()).filter(h -> h.info().command().map(c -> c.endsWith("keelson-cri-shim")).orElse(false))
                        .ifPresentOrElse(h -> watchPause(r.id(), r.shimPid()), () -> {
                            SandboxRecord n = r.pauseExited();
                            files.write(r.id(), n);
                            sandboxes.put(r.id(), n);
                        });
            }
        }
    }

    /** The kubelet's unique pod sandbox name: name, namespace, uid and attempt. */
    private static String nameOf(PodSandboxMetadata md) {
        return md.getName() + "_" + md.getNamespace() + "_" + md.getUid() + "_" + md.getAttempt();
    }

    /** Connects the container side (stopped and removed with their pod). */
    public void attach(PodContainers c) {
        this.containers = c;
    }

    public RuntimeSettings settings() {
        return settings;
    }

    /** A new random id: 64 hex digits, as containerd makes them. */
    public static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Directory of a sandbox's state (bundle of the pause container, /etc files). */
    public Path dir(String id) {
        return settings.root().resolve("sandboxes").resolve(id);
    }

    /**
     * RunPodSandbox. Returns the new sandbox's id.
     *
     * @throws IllegalArgumentException unknown runtime handler or a bad config
     * @throws IllegalStateException a sandbox with the same metadata exists
     */
    public String run(PodSandboxConfig cfg, String handler) {
        OciRuntime containers = settings.runtime(handler);
        OciRuntime rt = settings.pauseRuntime(containers);
        String containersRuntime = containers.handler().binary().toString();
        PodSandboxMetadata md = cfg.getMetadata();
        if (md.getName().isEmpty()) {
            throw new IllegalArgumentException("PodSandboxConfig.metadata.name is empty");
        }
        String id = newId();
        String name = nameOf(md);
        String holder = names.putIfAbsent(name, id);
        if (holder != null) {
            throw new IllegalStateException("pod sandbox name \"" + md.getName() + "\" (namespace \"" + md.getNamespace()
                    + "\", attempt " + md.getAttempt() + ") is already used by sandbox " + holder);
        }
        boolean hostNetwork = cfg.getLinux().getSecurityContext().getNamespaceOptions().getNetwork() == NamespaceMode.NODE;
        String parent = cfg.getLinux().getCgroupParent().isEmpty() ? settings.cgroupParent() : cfg.getLinux().getCgroupParent();
        Path dir = dir(id);
        try (Cleanup undo = new Cleanup()) {
            try {
                undo.onFailure("name reservation " + name, () -> names.remove(name, id));
                Files.createDirectories(dir.resolve("pause"));
                undo.onFailure("state directory " + dir, () -> Tree.delete(dir));
                Path netns = null;
                CompletableFuture<List<String>> network = CompletableFuture.completedFuture(List.of());
                if (!hostNetwork) {
                    // The runtime, not the CNI config, brings the pod's lo up (containerd does too):
                    // port-forward and in-pod clients dial 127.0.0.1. Pooled namespaces come with lo up.
                    try (NetNamespace ns = settings.pool() != null ? settings.pool().take()
                            : settings.netns().create("keelson-" + id.substring(0, 16), true)) {
                        netns = ns.path();
                    }
                    Path pin = netns;
                    undo.onFailure("netns " + pin, () -> unpin(pin));
                    NetworkList net = settings.cniConf().firstConfList();
                    RuntimeConf conf = cniConf(id, netns, cfg);
                    // CNI ADD runs while the runtime starts the pause container below: the pause
                    // process needs the namespace, not its interfaces. The DEL waits for the ADD.
                    network = CompletableFuture.supplyAsync(() -> addresses(settings.cni().add(net, conf)),
                            Thread.ofVirtual().name("keelson-cni-add")::start);
                    CompletableFuture<List<String>> added = network;
                    undo.onFailure("CNI DEL of network \"" + net.name() + "\"", () -> {
                        added.exceptionally(e -> null).join();
                        settings.cni().del(net, conf);
                    });
                }
                String cgroup = parent + "/" + id;
                String pauseCgroup = SandboxRecord.pauseCgroup(cgroup, id);
                undo.onFailure("cgroup " + cgroup, () -> {
                    Cgroups.remove(pauseCgroup);
                    Cgroups.remove(cgroup);
                });
                Path bundle = dir.resolve("pause");
                ContainerSpecs.pause(pauseRootfs(), cfg, netns, pauseCgroup).write(bundle);
                // With crun, the pause process is born in its cgroups (see OciRuntime.runInCgroups).
                List<Path> tasks = rt.handler().canLeaveCgroupsToCaller()
                        ? Cgroups.prepareSelfJoin(pauseCgroup, ContainerSpecs.PAUSE_CPU_SHARES) : List.of();
                undo.onFailure(rt.handler().binary() + " delete " + id, () -> rt.delete(id));
                OciRuntime.Created pause = tasks.isEmpty() ? rt.run(id, bundle) : rt.runInCgroups(id, bundle, tasks);
                List<String> ips = joined(network);
                String hostname = cfg.getHostname().isEmpty() ? nodeHostname() : cfg.getHostname();
                PodFiles.write(dir.resolve("etc"), cfg, hostname, ips);
                SandboxRecord rec = new SandboxRecord(id, handler == null ? "" : handler, containersRuntime,
                        rt.handler().binary().toString().equals(containersRuntime) ? null : rt.handler().binary().toString(), SandboxRecord.READY,
                        System.currentTimeMillis() * 1_000_000L, netns == null ? null : netns.toString(), ips, parent,
                        pause.pid(), pause.shimPid(), SandboxRecord.encode(cfg), false);
                files.write(id, rec);
                sandboxes.put(id, rec);
                watchPause(id, pause.shimPid());
                undo.commit();
                return id;
            } catch (IOException e) {
                throw undo.failed(new UncheckedIOException("RunPodSandbox " + md.getName() + ": " + e.getMessage(), e));
            } catch (RuntimeException e) {
                throw undo.failed(e);
            }
        }
    }

    /** The result of {@code f}, with the exception its task threw (a CNI error stays a CNI error). */
    private static <T> T joined(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * StopPodSandbox: containers stopped, pause killed and deleted from the runtime, CNI DEL,
     * netns unpinned; the record stays (NOTREADY). Every step is tried even when an earlier one
     * fails (a failed runtime delete must not keep the pod's IP allocated); the first failure is
     * then thrown with the others suppressed, and the sandbox stays READY so a retry does it all
     * again (each step is idempotent). Idempotent once NOTREADY.
     */
    public void stop(String id) {
        synchronized (lock(id)) {
            SandboxRecord r = get(id);
            if (r.stopped()) {
                return;
            }
            OciRuntime rt = settings.pauseRuntime(r);
            List<RuntimeException> errors = new ArrayList<>();
            step(errors, () -> {
                PodContainers c = containers;
                if (c != null) {
                    c.stopAll(id, Duration.ZERO);
                }
            });
            step(errors, () -> {
                try {
                    rt.kill(id, OciRuntime.SIGKILL, false);
                } catch (RuntimeException e) {
                    // already stopped: delete below still cleans the runtime state
                }
                awaitShim(r.shimPid());
                rt.delete(id);
                Cgroups.remove(r.pauseCgroup()); // when the runtime left it to us
            });
            if (r.netns() != null) {
                step(errors, () -> settings.cni().del(settings.cniConf().firstConfList(),
                        cniConf(id, Path.of(r.netns()), r.podConfig())));
                step(errors, () -> unpin(Path.of(r.netns())));
            }
            if (!errors.isEmpty()) {
                RuntimeException first = errors.get(0);
                errors.stream().skip(1).forEach(first::addSuppressed);
                throw first;
            }
            SandboxRecord stopped = r.stoppedRecord();
            files.write(id, stopped);
            sandboxes.put(id, stopped);
        }
    }

    /** A pause container that ends on its own makes the sandbox NOTREADY (the kubelet then stops and recreates it). */
    private void watchPause(String id, long shimPid) {
        // Async: the exit future's thread must not wait for a StopPodSandbox holding this sandbox's lock.
        EventLoop.shared().onExit((int) shimPid).thenRunAsync(() -> {
            synchronized (lock(id)) {
                SandboxRecord r = sandboxes.get(id);
                if (r != null && !r.stopped() && r.state().equals(SandboxRecord.READY)) {
                    SandboxRecord n = r.pauseExited();
                    files.write(id, n);
                    sandboxes.put(id, n);
                }
            }
        }, task -> Thread.ofVirtual().name("keelson-cri-pause-exit").start(task));
    }

    /** Unpins a pod namespace wherever it is pinned (its own directory, or the pool's); idempotent. */
    private static void unpin(Path pin) {
        NetnsDirectory.of(pin.getParent()).delete(pin.getFileName().toString());
    }

    private static void step(List<RuntimeException> errors, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            errors.add(e);
        }
    }

    /** RemovePodSandbox: stops it if needed, removes its containers, cgroup, state directory and record. A missing sandbox is not an error. */
    public void remove(String id) {
        synchronized (lock(id)) {
            SandboxRecord r = sandboxes.get(id);
            if (r == null) {
                return;
            }
            stop(id);
            PodContainers c = containers;
            if (c != null) {
                c.removeAll(id);
            }
            List<Path> left = Cgroups.remove(r.cgroup());
            if (!left.isEmpty()) {
                throw new IllegalStateException("sandbox " + id + ": cgroups still busy: " + left);
            }
            Tree.discard(dir(id));
            files.delete(id);
            sandboxes.remove(id);
            names.remove(nameOf(r.podConfig().getMetadata()), id);
        }
        locks.remove(id);
    }

    /** The record of {@code id}. */
    public SandboxRecord get(String id) {
        SandboxRecord r = sandboxes.get(id);
        if (r == null) {
            throw new NotFoundException("pod sandbox \"" + id + "\" not found");
        }
        return r;
    }

    public Optional<SandboxRecord> find(String id) {
        return Optional.ofNullable(sandboxes.get(id));
    }

    public List<SandboxRecord> list() {
        return List.copyOf(sandboxes.values());
    }

    /** The namespaces a container of {@code id} joins. */
    public PodNamespaces namespaces(SandboxRecord r) {
        var ns = r.podConfig().getLinux().getSecurityContext().getNamespaceOptions();
        return new PodNamespaces(r.netns() == null ? null : Path.of(r.netns()), r.pausePid(),
                ns.getIpc() == NamespaceMode.NODE, ns.getPid() == NamespaceMode.NODE);
    }

    private Object lock(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }

    private static void awaitShim(long shimPid) {
        if (shimPid <= 0) {
            return;
        }
        try {
            EventLoop.shared().onExit((int) shimPid).get(PAUSE_EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // runtime delete --force below kills whatever is left
        }
    }

    private static RuntimeConf cniConf(String id, Path netns, PodSandboxConfig cfg) {
        PodSandboxMetadata md = cfg.getMetadata();
        List<RuntimeConf.Arg> args = List.of(new RuntimeConf.Arg("IgnoreUnknown", "1"),
                new RuntimeConf.Arg("K8S_POD_NAMESPACE", md.getNamespace()), new RuntimeConf.Arg("K8S_POD_NAME", md.getName()),
                new RuntimeConf.Arg("K8S_POD_INFRA_CONTAINER_ID", id), new RuntimeConf.Arg("K8S_POD_UID", md.getUid()));
        Map<String, JsonNode> caps = Map.of();
        // A mapping without a host port only documents the container port (the kubelet sends
        // these): nothing to forward, and portmap refuses host port 0. containerd skips them too.
        List<PortMapping> forwarded = cfg.getPortMappingsList().stream().filter(p -> p.getHostPort() > 0).toList();
        if (!forwarded.isEmpty()) {
            ArrayNode pm = JsonNodeFactory.instance.arrayNode();
            for (PortMapping p : forwarded) {
                var o = pm.addObject().put("hostPort", p.getHostPort()).put("containerPort", p.getContainerPort())
                        .put("protocol", p.getProtocol().name().toLowerCase(Locale.ROOT));
                if (!p.getHostIp().isEmpty()) {
                    o.put("hostIP", p.getHostIp());
                }
            }
            caps = Map.of("portMappings", pm);
        }
        return new RuntimeConf(id, netns.toString(), "eth0", args, caps);
    }

    private static List<String> addresses(Result r) {
        return r.ips().stream().map(IpConfig::address).map(a -> a.substring(0, a.indexOf('/'))).toList();
    }

    private static String nodeHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The shared read-only rootfs of every pause container: just {@code /pause}, copied from libexec once. */
    private synchronized Path pauseRootfs() throws IOException {
        Path rootfs = settings.root().resolve("pause-rootfs");
        Path pause = rootfs.resolve("pause");
        if (!Files.isExecutable(pause)) {
            for (String d : List.of("proc", "dev", "sys", "etc")) {
                Files.createDirectories(rootfs.resolve(d));
            }
            Path src = settings.libexec().resolve("keelson-pause");
            Path tmp = rootfs.resolve(".pause.tmp");
            Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING);
            tmp.toFile().setExecutable(true, false);
            Files.move(tmp, pause, StandardCopyOption.ATOMIC_MOVE);
        }
        return rootfs;
    }
}
