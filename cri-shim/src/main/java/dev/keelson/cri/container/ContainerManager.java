package dev.keelson.cri.container;

import dev.keelson.cni.plugins.common.Cleanup;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cri.api.v1.ContainerConfig;
import dev.keelson.cri.api.v1.LinuxContainerResources;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.oci.ContainerSpecs;
import dev.keelson.cri.oci.ExitStatus;
import dev.keelson.cri.oci.OciRuntime;
import dev.keelson.cri.oci.OciSpec;
import dev.keelson.cri.sandbox.PodContainers;
import dev.keelson.cri.sandbox.RecordFiles;
import dev.keelson.cri.sandbox.SandboxManager;
import dev.keelson.cri.sandbox.SandboxRecord;
import dev.keelson.cri.sandbox.Tree;
import dev.keelson.linux.EventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Containers of pods: create (bundle from the CRI config and a rootfs; log pump started), start,
 * stop (SIGTERM, then SIGKILL after the timeout), remove, exec, and the records behind
 * status and list. Each container's exit is reported by its shim: the monitor waits for the shim
 * process and reads the exit file it wrote.
 */
public final class ContainerManager implements PodContainers {
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SandboxManager sandboxes;
    private final RootfsProvider rootfs;
    private final RecordFiles<ContainerRecord> files;
    private final Map<String, ContainerRecord> containers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<ExitStatus>> exits = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> logs = new ConcurrentHashMap<>();
    /**
     * The runtime's {@code delete} of each container that has exited, started as soon as its exit is
     * recorded (as containerd deletes the task on exit), so RemoveContainer/RemovePodSandbox do not
     * wait for a runtime process.
     */
    private final Map<String, CompletableFuture<Void>> runtimeDeletes = new ConcurrentHashMap<>();
    private final Map<String, CriLog> logFiles = new ConcurrentHashMap<>();
    /** The log pump of each container whose shim runs; finished when the shim exits. */
    private final Map<String, LogPump> pumps = new ConcurrentHashMap<>();
    /** Live output for attached clients, per container whose log pumps run. */
    private final Map<String, OutputTaps> taps = new ConcurrentHashMap<>();
    /** This process's writer of each stdin FIFO (containers created with stdin), until the container exits. */
    private final Map<String, java.nio.channels.FileChannel> stdins = new ConcurrentHashMap<>();
    /** This process's writer of each terminal's resize FIFO (containers created with tty), until the container exits. */
    private final Map<String, java.nio.channels.FileChannel> resizes = new ConcurrentHashMap<>();
    /** Reserved container names: POD_NAME_ATTEMPT → id (a pod cannot hold two containers of one name and attempt). */
    private final Map<String, String> names = new ConcurrentHashMap<>();

    public ContainerManager(SandboxManager sandboxes, RootfsProvider rootfs) {
        this.sandboxes = sandboxes;
        this.rootfs = rootfs;
        this.files = new RecordFiles<>(sandboxes.settings().root().resolve("containers"), ContainerRecord.class);
        Tree.sweep(sandboxes.settings().root().resolve("containers"));
        for (ContainerRecord r : files.readAll()) {
            containers.put(r.id(), r);
            names.put(nameOf(r.podId(), r.containerConfig()), r.id());
        }
        sandboxes.attach(this);
        for (ContainerRecord r : list()) {
            if (!r.state().equals(ContainerRecord.EXITED)) {
                recover(r);
            }
        }
    }

    /**
     * Picks up a container found in a record after a restart: ended while nobody watched (the
     * shim's exit file says how), or still running under its shim, whose end is then awaited and
     * whose FIFOs are pumped again. A shim that is gone without an exit file leaves the exit
     * unknown: EXITED with code 255, reason "Unknown".
     */
    private void recover(ContainerRecord r) {
        if (r.state().equals(ContainerRecord.CREATED) && r.shimPid() == 0) {
            return; // never started: nothing runs, nothing to watch
        }
        Path dir = dir(r.id());
        Optional<ExitStatus> ended = ExitStatus.read(OciRuntime.exitFile(dir));
        Optional<ProcessHandle> shim = ProcessHandle.of(r.shimPid())
                .filter(h -> h.info().command().map(c -> c.endsWith("keelson-cri-shim")).orElse(false)); // a lookup, no thread
        if (ended.isPresent() || shim.isEmpty()) {
            ExitStatus s = ended.orElse(new ExitStatus(255, 0, System.currentTimeMillis() * 1_000_000L));
            update(r.id(), c -> {
                ContainerRecord e = c.exited(s);
                return ended.isPresent() ? e : new ContainerRecord(e.id(), e.podId(), e.state(), e.createdAt(), e.startedAt(),
                        e.finishedAt(), e.exitCode(), "Unknown", "the container's monitor was gone at restart", e.logPath(),
                        e.pid(), e.shimPid(), e.config(), e.imageRef());
            });
            exits.put(r.id(), CompletableFuture.completedFuture(s));
            return;
        }
        try {
            pumpLogs(r.id(), dir, r.logPath().isEmpty() ? null : Path.of(r.logPath()));
        } catch (IOException e) {
            throw new UncheckedIOException("container " + r.id() + ": cannot reopen its log " + r.logPath() + ": " + e.getMessage(), e);
        }
        monitor(r.id(), r.shimPid(), dir);
    }

    private static String nameOf(String podId, ContainerConfig c) {
        return podId + "_" + c.getMetadata().getName() + "_" + c.getMetadata().getAttempt();
    }

    /** A container's bundle and state directory. */
    public Path dir(String id) {
        return sandboxes.settings().root().resolve("containers").resolve(id);
    }

    /**
     * CreateContainer in a READY sandbox. The log file is {@code LogDirectory/LogPath} of the
     * sandbox and container configs (none when either is empty).
     *
     * The process comes from the config merged over the image's defaults
     * ({@link ContainerSpecs#container(Path, ContainerConfig, dev.keelson.cri.image.ImageConfig, dev.keelson.cri.oci.PodNamespaces, String, Path)}).
     *
     * @throws NotFoundException no such sandbox, or the image is unknown
     * @throws IllegalArgumentException neither the config nor the image gives a command, or the user is unknown in the image
     * @throws IllegalStateException the sandbox is not ready
     */
    public String create(String podId, ContainerConfig cfg, PodSandboxConfig ignoredSandboxConfig) {
        SandboxRecord pod = sandboxes.get(podId);
        if (!pod.state().equals(SandboxRecord.READY)) {
            throw new IllegalStateException("pod sandbox " + podId + " is not ready");
        }
        String id = SandboxManager.newId();
        OciRuntime rt = sandboxes.settings().runtime(pod);
        Path dir = dir(id);
        String logDir = pod.podConfig().getLogDirectory();
        Path log = logDir.isEmpty() || cfg.getLogPath().isEmpty() ? null : Path.of(logDir).resolve(cfg.getLogPath());
        String name = nameOf(podId, cfg);
        String holder = names.putIfAbsent(name, id);
        if (holder != null) {
            throw new IllegalStateException("container name \"" + cfg.getMetadata().getName() + "\" (attempt "
                    + cfg.getMetadata().getAttempt() + ") is already used by container " + holder + " in pod sandbox " + podId);
        }
        try (Cleanup undo = new Cleanup()) {
            try {
                undo.onFailure("name reservation " + name, () -> names.remove(name, id));
                PreparedRootfs root = rootfs.prepare(id, cfg.getImage());
                undo.onFailure("rootfs of " + id, () -> rootfs.release(id));
                Files.createDirectories(dir);
                undo.onFailure("state directory " + dir, () -> Tree.delete(dir));
                ContainerSpecs.container(root.path(), cfg, root.config(), sandboxes.namespaces(pod), pod.cgroup() + "/" + id,
                        sandboxes.dir(podId).resolve("etc")).write(dir);
                ContainerRecord rec = new ContainerRecord(id, podId, ContainerRecord.CREATED, System.currentTimeMillis() * 1_000_000L,
                        0, 0, 0, "", "", log == null ? "" : log.toString(), 0, 0, ContainerRecord.encode(cfg), root.imageRef());
                files.write(id, rec);
                containers.put(id, rec);
                undo.commit();
                return id;
            } catch (IOException e) {
                throw undo.failed(new UncheckedIOException("CreateContainer: " + e.getMessage(), e));
            } catch (RuntimeException e) {
                throw undo.failed(e);
            }
        }
    }

    /**
     * StartContainer: the runtime creates and starts the CREATED container in one step
     * ({@code run --detach} under its shim), with the log pumps reading its FIFOs from before its
     * first byte. A runtime failure leaves it CREATED, with nothing of the attempt left behind.
     */
    public synchronized void start(String id) {
        ContainerRecord r = get(id);
        if (!r.state().equals(ContainerRecord.CREATED)) {
            throw new IllegalStateException("container " + id + " is " + r.state() + ", not CREATED");
        }
        ContainerConfig cfg = r.containerConfig();
        OciRuntime rt = runtime(r);
        Path dir = dir(id);
        try (Cleanup undo = new Cleanup()) {
            try {
                undo.onFailure(rt.handler().binary() + " delete " + id, () -> rt.delete(id));
                Path out = OciRuntimeFiles.stdout(dir);
                Path err = OciRuntimeFiles.stderr(dir);
                freshFifo(out);
                freshFifo(err);
                // the pump has the FIFOs open before the process can write
                pumpLogs(id, dir, r.logPath().isEmpty() ? null : Path.of(r.logPath()));
                undo.onFailure("log pumps of " + id, () -> finishPumps(id));
                OciRuntime.Created created;
                Path stdin = null;
                if (cfg.getStdin()) {
                    stdin = freshFifo(dir.resolve("stdin"));
                    // read and write: opening a FIFO so never waits for a reader, and this writer keeps
                    // the container from seeing end-of-file until a stdin_once client is done
                    stdins.put(id, readWrite(stdin));
                    undo.onFailure("stdin of " + id, () -> closeStdin(id));
                }
                if (cfg.getTty()) {
                    Path resize = freshFifo(dir.resolve("resize"));
                    resizes.put(id, readWrite(resize));
                    undo.onFailure("resize FIFO of " + id, () -> closeWriters(id));
                    // the console socket lives only while the runtime starts the container; sun_path is short
                    Path consoleDir = Files.createTempDirectory("keelson-console-");
                    try {
                        created = rt.runWithTerminal(id, dir, stdin, cfg.getStdinOnce(), consoleDir.resolve("sock"), resize);
                    } finally {
                        Tree.delete(consoleDir);
                    }
                } else {
                    created = stdin != null ? rt.run(id, dir, stdin, cfg.getStdinOnce()) : rt.run(id, dir);
                }
                update(id, c -> c.started(System.currentTimeMillis() * 1_000_000L, created.pid(), created.shimPid()));
                monitor(id, created.shimPid(), dir);
                undo.commit();
            } catch (IOException e) {
                throw undo.failed(new UncheckedIOException("StartContainer " + id + ": " + e.getMessage(), e));
            } catch (RuntimeException e) {
                throw undo.failed(e);
            }
        }
    }

    /** A new FIFO (0600) at {@code path}, replacing one left by an earlier start attempt. */
    private static Path freshFifo(Path path) throws IOException {
        Files.deleteIfExists(path);
        dev.keelson.linux.FileCalls.mknod(path.toString(), dev.keelson.linux.FileCalls.S_IFIFO | 0600, 0, 0);
        return path;
    }

    /**
     * Ends {@code id}'s log pump (after its shim exited, or a failed start): what is left in the
     * FIFOs is logged, the log closed, and the {@link #logs} future completed. Idempotent.
     */
    private void finishPumps(String id) {
        LogPump pump = pumps.remove(id);
        if (pump == null) {
            return;
        }
        try {
            pump.finish();
        } catch (IOException e) {
            System.err.println("keelson cri: container " + id + ": the end of its output could not be logged: " + e.getMessage());
        } finally {
            logFiles.remove(id);
            taps.remove(id);
            CompletableFuture<Void> done = logs.get(id);
            if (done != null) {
                done.complete(null);
            }
        }
    }

    /** StopContainer: SIGTERM, SIGKILL after {@code timeout}; returns when the exit is recorded. Idempotent. */
    public void stop(String id, Duration timeout) {
        ContainerRecord r = get(id);
        CompletableFuture<ExitStatus> exit = exits.get(id);
        if (r.state().equals(ContainerRecord.EXITED) || exit == null || exit.isDone()) {
            awaitRecorded(id, exit);
            return;
        }
        OciRuntime rt = runtime(r);
        if (!timeout.isZero()) {
            signal(rt, id, OciRuntime.SIGTERM);
            try {
                exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // did not stop in time: SIGKILL below
            } catch (Exception e) {
                throw new IllegalStateException("container " + id + ": waiting for exit failed: " + e, e);
            }
        }
        if (!exit.isDone()) {
            signal(rt, id, OciRuntime.SIGKILL);
        }
        awaitRecorded(id, exit);
    }

    /** RemoveContainer: stops it if running, deletes runtime state, cgroup, bundle and record. A missing container is not an error. */
    public void remove(String id) {
        ContainerRecord r = containers.get(id);
        if (r == null) {
            return;
        }
        if (!r.state().equals(ContainerRecord.EXITED)) {
            stop(id, Duration.ZERO);
        }
        deleteFromRuntime(r);
        closeWriters(id);
        CompletableFuture<Void> pump = logs.remove(id);
        if (pump != null) {
            pump.orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        rootfs.release(id);
        Tree.discard(dir(id));
        files.delete(id);
        containers.remove(id);
        exits.remove(id);
        names.remove(nameOf(r.podId(), r.containerConfig()), id);
    }

    /**
     * UpdateContainerResources: new CPU shares/quota/period and memory limit applied by the
     * runtime to the container's cgroup, and kept in its record.
     */
    public void updateResources(String id, LinuxContainerResources res) {
        ContainerRecord r = get(id);
        if (r.state().equals(ContainerRecord.EXITED)) {
            throw new IllegalStateException("container " + id + " has exited: no resources to update");
        }
        Path file = dir(id).resolve("resources-update.json");
        try {
            com.fasterxml.jackson.databind.node.ObjectNode limits = OciSpec.limits(res.getCpuShares(), res.getCpuQuota(), res.getCpuPeriod(), res.getMemoryLimitInBytes());
            if (r.state().equals(ContainerRecord.CREATED)) {
                // not in the runtime yet: the limits go into the bundle it will start from
                Path spec = dir(id).resolve("config.json");
                com.fasterxml.jackson.databind.node.ObjectNode root =
                        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(spec.toFile());
                com.fasterxml.jackson.databind.node.ObjectNode resources = root.withObjectProperty("linux").withObjectProperty("resources");
                limits.properties().forEach(e -> resources.set(e.getKey(), e.getValue()));
                JSON.writeValue(spec.toFile(), root);
            } else {
                Files.write(file, JSON.writeValueAsBytes(limits));
                runtime(r).update(id, file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("container " + id + ": cannot write " + file + ": " + e.getMessage(), e);
        }
        update(id, c -> {
            ContainerConfig cfg = c.containerConfig();
            return c.withConfig(cfg.toBuilder().setLinux(cfg.getLinux().toBuilder().setResources(res)).build());
        });
    }

    /** Usage of the container's cgroup (v1), empty when the container has no cgroup (exited and deleted, or never started). */
    public Optional<CgroupStats> stats(String id) {
        ContainerRecord r = get(id);
        return sandboxes.find(r.podId())
                .flatMap(p -> CgroupStats.read(dev.keelson.cri.sandbox.Cgroups.ROOT, p.cgroup() + "/" + id));
    }

    /** ReopenContainerLog: the running container's log file is opened again (after rotation). */
    public void reopenLog(String id) {
        ContainerRecord r = get(id);
        CriLog log = logFiles.get(id);
        if (!r.state().equals(ContainerRecord.RUNNING) || log == null) {
            throw new IllegalStateException("container " + id + " is " + r.state() + ", not RUNNING: no log to reopen");
        }
        try {
            log.reopen();
        } catch (IOException e) {
            throw new UncheckedIOException("container " + id + ": cannot reopen log " + r.logPath() + ": " + e.getMessage(), e);
        }
    }

    /** ExecSync: {@code cmd} in the running container, waiting at most {@code timeout} (zero: no limit). */
    public OciRuntime.Result execSync(String id, List<String> cmd, Duration timeout) {
        ContainerRecord r = get(id);
        if (!r.state().equals(ContainerRecord.RUNNING)) {
            throw new IllegalStateException("container " + id + " is " + r.state() + ", not RUNNING");
        }
        if (cmd.isEmpty()) {
            throw new IllegalArgumentException("ExecSync: empty command");
        }
        Path pidFile = dir(id).resolve("exec-" + SandboxManager.newId().substring(0, 12) + ".pid");
        try {
            return runtime(r).execSync(id, pidFile, cmd, timeout);
        } finally {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                // a stray pid file goes with the bundle at removal
            }
        }
    }

    /** The runtime that runs container {@code id} (for streaming exec). */
    public OciRuntime runtimeOf(String id) {
        return runtime(get(id));
    }

    public ContainerRecord get(String id) {
        ContainerRecord r = containers.get(id);
        if (r == null) {
            throw new NotFoundException("container \"" + id + "\" not found");
        }
        return r;
    }

    public Optional<ContainerRecord> find(String id) {
        return Optional.ofNullable(containers.get(id));
    }

    public List<ContainerRecord> list() {
        return List.copyOf(containers.values());
    }

    @Override
    public void stopAll(String podId, Duration grace) {
        for (ContainerRecord r : list()) {
            if (r.podId().equals(podId)) {
                stop(r.id(), grace);
            }
        }
    }

    @Override
    public void removeAll(String podId) {
        for (ContainerRecord r : list()) {
            if (r.podId().equals(podId)) {
                remove(r.id());
            }
        }
    }

    private OciRuntime runtime(ContainerRecord r) {
        return sandboxes.find(r.podId()).map(sandboxes.settings()::runtime).orElseGet(() -> sandboxes.settings().runtime(""));
    }

    private static void signal(OciRuntime rt, String id, int sig) {
        try {
            rt.kill(id, sig, false);
        } catch (RuntimeException e) {
            // exited meanwhile: the exit is recorded by the monitor
        }
    }

    private void awaitRecorded(String id, CompletableFuture<ExitStatus> exit) {
        if (exit == null) {
            return;
        }
        try {
            exit.get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("container " + id + " did not exit within " + KILL_WAIT + " of SIGKILL", e);
        }
    }

    /**
     * CRI Attach: {@code out} and {@code err} (either may be null) get the running container's output
     * from now on; the attachment writes its stdin when it was created with {@code stdin}.
     *
     * @throws NotFoundException no such container
     * @throws IllegalStateException the container is not running
     */
    public Attachment attach(String id, java.io.OutputStream out, java.io.OutputStream err) {
        ContainerRecord r = get(id);
        OutputTaps tap = taps.get(id);
        CompletableFuture<ExitStatus> exit = exits.get(id);
        if (!r.state().equals(ContainerRecord.RUNNING) || tap == null || exit == null) {
            throw new IllegalStateException("container " + id + " is " + r.state() + ", not RUNNING");
        }
        boolean once = r.containerConfig().getStdinOnce();
        CompletableFuture<Void> drained = logs.getOrDefault(id, CompletableFuture.completedFuture(null));
        CompletableFuture<Void> ended = exit.thenCompose(s -> drained.exceptionally(e -> null));
        java.nio.channels.FileChannel resize = r.containerConfig().getTty() && !exit.isDone() ? resizes.computeIfAbsent(id, k -> {
            try { // after a restart of this process: the shim still reads the FIFO
                return readWrite(dir(k).resolve("resize"));
            } catch (IOException e) {
                return null;
            }
        }) : null;
        return new Attachment(tap, out, err, stdins.get(id), resize, () -> {
            if (once) {
                closeStdin(id);
            }
        }, ended);
    }

    private static java.nio.channels.FileChannel readWrite(Path fifo) throws IOException {
        return java.nio.channels.FileChannel.open(fifo, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
    }

    /** Closes this process's writer of {@code id}'s stdin FIFO, if it has one. */
    private void closeStdin(String id) {
        closeWriter(stdins.remove(id));
    }

    /** The container ended (or never started): its stdin and resize writers are closed. */
    private void closeWriters(String id) {
        closeStdin(id);
        closeWriter(resizes.remove(id));
    }

    private static void closeWriter(java.nio.channels.FileChannel w) {
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                // closing a FIFO writer fails only on a bad descriptor
            }
        }
    }

    /**
     * Waits for the shim and records the exit file it wrote; the future completes after the record is
     * updated and the runtime's delete of the container has been started in the background.
     */
    private void monitor(String id, long shimPid, Path dir) {
        CompletableFuture<ExitStatus> done = new CompletableFuture<>();
        exits.put(id, done);
        EventLoop.shared().onExit((int) shimPid).whenComplete((v, e) -> {
            try {
                closeWriters(id);
                finishPumps(id);
                ExitStatus s = ExitStatus.read(OciRuntimeFiles.exit(dir))
                        .orElse(new ExitStatus(255, 0, System.currentTimeMillis() * 1_000_000L));
                update(id, c -> c.exited(s));
                ContainerRecord r = containers.get(id);
                if (r != null) { // registered before the exit is announced, so a RemoveContainer that follows finds it
                    runtimeDeletes.put(id, CompletableFuture.runAsync(() -> runtime(r).delete(id), Thread.ofVirtual()::start));
                }
                done.complete(s);
            } catch (RuntimeException | Error failed) {
                System.err.println("keelson cri: container " + id + ": recording its exit failed: " + failed);
                done.completeExceptionally(failed);
            }
        });
    }

    /** Deletes {@code r} from its runtime, or waits for the delete started at its exit (and retries it if that failed). */
    private void deleteFromRuntime(ContainerRecord r) {
        CompletableFuture<Void> started = runtimeDeletes.remove(r.id());
        if (started != null) {
            try {
                started.join();
                return;
            } catch (RuntimeException failed) {
                // retried below, where a failure reaches the caller
            }
        }
        runtime(r).delete(r.id());
    }

    private void pumpLogs(String id, Path dir, Path logFile) throws IOException {
        CriLog log = CriLog.open(logFile);
        OutputTaps tap = new OutputTaps();
        LogPump pump;
        try {
            pump = LogPump.start(log, tap, OciRuntimeFiles.stdout(dir), OciRuntimeFiles.stderr(dir));
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        logs.put(id, new CompletableFuture<>());
        logFiles.put(id, log);
        taps.put(id, tap);
        pumps.put(id, pump);
    }

    private synchronized void update(String id, java.util.function.UnaryOperator<ContainerRecord> change) {
        ContainerRecord r = containers.get(id);
        if (r == null) {
            return;
        }
        ContainerRecord n = change.apply(r);
        if (n != r) {
            files.write(id, n);
            containers.put(id, n);
        }
    }

    /** Paths of the files the shim keeps in a bundle. */
    private static final class OciRuntimeFiles {
        static Path exit(Path dir) {
            return OciRuntime.exitFile(dir);
        }

        static Path stdout(Path dir) {
            return OciRuntime.stdioFifo(dir, false);
        }

        static Path stderr(Path dir) {
            return OciRuntime.stdioFifo(dir, true);
        }
    }

    /** The containers of one pod. */
    public List<ContainerRecord> ofPod(String podId) {
        List<ContainerRecord> out = new ArrayList<>();
        for (ContainerRecord r : containers.values()) {
            if (r.podId().equals(podId)) {
                out.add(r);
            }
        }
        return out;
    }
}
