package dev.keelson.bench.cri;

import dev.keelson.netns.NetNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code keelson cri} as its own process, as an operator runs it — with the JVM options
 * {@code bin/keelson cri} gives it ({@link #JVM}) — inside the benchmark's network namespace, so the
 * pods' bridge and the registry on loopback are the benchmark's. The class path must hold the CLI
 * (it does under {@code bin/keelson bench}).
 */
final class KeelsonCri implements AutoCloseable {
    static final String MAIN = "dev.keelson.cli.Main";
    /**
     * The options {@code bin/keelson} gives {@code keelson cri} (keep the two in step): a resident
     * daemon whose RPCs wait on runc and the kernel, not on compiled Java, so one C1 compiler thread
     * that compiles only what runs often, Serial GC with a 2 MiB young generation, and unpooled
     * buffers for the gRPC socket (a pooled arena is a 4 MiB chunk for a few KB of traffic) keep
     * its footprint near a Go daemon's; after a burst of RPCs the heap is collected once when idle
     * ({@code IdleCollector}) and shrinks to what is live plus 10 %. Measured with 30 pods (full
     * run): 137 → ≈ 100 MiB over this session's changes.
     */
    static final List<String> JVM = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx48m", "-Xmn2m", "-XX:MinHeapFreeRatio=5",
            "-XX:MaxHeapFreeRatio=10", "-XX:-ShrinkHeapInSteps", "-XX:+UseCompactObjectHeaders", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-XX:Tier3InvocationThreshold=4000", "-XX:Tier3MinInvocationThreshold=2000", "-XX:Tier3CompileThreshold=40000",
            "-XX:Tier3BackEdgeThreshold=120000", "-XX:ReservedCodeCacheSize=16m", "-Xss256k", "-XX:MaxMetaspaceSize=64m",
            "-XX:TrimNativeHeapInterval=5000", "-Dio.grpc.netty.useCustomAllocator=false", "-Dio.netty.allocator.type=unpooled");

    /** The environment {@code bin/keelson cri} sets: two glibc malloc arenas instead of eight per core. */
    static final java.util.Map<String, String> ENV = java.util.Map.of("MALLOC_ARENA_MAX", "2");

    private final Process process;
    private final Path log;
    final Path socket;

    private KeelsonCri(Process process, Path log, Path socket) {
        this.process = process;
        this.log = log;
        this.socket = socket;
    }

    /** Why {@code keelson cri} cannot be started from this JVM, or null when it can. */
    static String unavailable() {
        try {
            Class.forName(MAIN, false, KeelsonCri.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return "the keelson CLI (" + MAIN + ") is not on the class path; run through bin/keelson bench cri";
        }
        if (System.getProperty("keelson.libexec") == null) {
            return "keelson.libexec is not set; run through bin/keelson bench cri";
        }
        return null;
    }

    /**
     * Starts {@code keelson cri} in {@code netns} with its state under {@code dir}, CNI configs from
     * {@code netd}, plain HTTP to {@code registry} and pods under cgroup {@code cgroupParent}; returns
     * once its socket answers.
     */
    static KeelsonCri start(NetNamespace netns, Path dir, Path netd, String registry, String cgroupParent) throws Exception {
        Path socket = dir.resolve("keelson.sock");
        Path log = dir.resolve("keelson-cri.log");
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + netns.path(), "--",
                ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString())));
        cmd.addAll(JVM);
        // for trying other options side by side: -Dkeelson.bench.cri.jvm="-Xmx32m ..." (later options win)
        String extra = System.getProperty("keelson.bench.cri.jvm", "").strip();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Dkeelson.libexec=" + System.getProperty("keelson.libexec"), "-cp", System.getProperty("java.class.path"), MAIN,
                "cri", "--socket", socket.toString(), "--root", dir.resolve("root").toString(), "--cni-conf-dir", netd.toString(),
                "--insecure-registry", registry, "--cgroup-parent", cgroupParent));
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(ENV);
        KeelsonCri k = new KeelsonCri(pb.start(), log, socket);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!k.logText().contains("listening on")) {
            if (!k.process.isAlive() || System.nanoTime() > deadline) {
                k.close();
                throw new IOException("keelson cri did not start (" + (k.process.isAlive() ? "no socket in 60 s" : "exited") + "):\n"
                        + k.logText());
            }
            Thread.sleep(50);
        }
        return k;
    }

    /** The JVM's process id (nsenter execs it). */
    long pid() {
        return process.pid();
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM (pods keep running: the run removes them first), SIGKILL after 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
