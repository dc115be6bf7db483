package dev.keelson.bench.cni;

import dev.keelson.netns.NetNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The kernel floor: {@code keelson-cni-floor} (bench/c/cni-floor.c) makes the netlink requests an
 * ADD cannot avoid (veth with its peer created in the pod, enslave, up, address, up, default route —
 * or a macvlan created in the pod), the sysctls a plugin writes, host-local's file-system calls in
 * its on-disk layout (lock, read the records, create or unlink one), and a DEL's one RTM_DELLINK,
 * and times each ADD and DEL itself,
 * so neither process start-up nor a JVM is in its numbers. One process for the whole run, started
 * on first use and told "add W I..." / "del W I..." per step, so its calls interleave with the
 * other contenders'.
 */
final class FloorContender implements Contender {
    private final String label;
    private final Path program;
    private final String mode;
    private final NetNamespace node;
    private final String lower;
    private final String prefix;
    private final List<Pod> pool;
    private final Path log;
    private final Consumer<Process> started;
    private Process process;
    private OutputStream in;
    private final Path dataDir;
    private BufferedReader out;

    /**
     * @param mode    {@code veth} (bridge floor) or {@code macvlan}
     * @param lower   the bridge or the macvlan master in the node namespace
     * @param prefix  first two octets of the pods' addresses, e.g. {@code "10.250"}
     * @param pool    every pod this contender will be given (the program gets their paths once)
     * @param log     where the program's stderr goes
     * @param started told of the process as it starts, so that an interrupted run can end it
     * @param dataDir where the program makes host-local's file-system calls (its on-disk layout)
     */
    FloorContender(String label, Path program, String mode, NetNamespace node, String lower, String prefix, List<Pod> pool,
                   Path log, Consumer<Process> started, Path dataDir) {
        this.dataDir = dataDir;
        this.label = label;
        this.program = program;
        this.mode = mode;
        this.node = node;
        this.lower = lower;
        this.prefix = prefix;
        this.pool = List.copyOf(pool);
        this.log = log;
        this.started = started;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public long[] add(List<Pod> pods, int workers) throws IOException {
        return step("add", pods, workers);
    }

    @Override
    public long[] del(List<Pod> pods, int workers) throws IOException {
        return step("del", pods, workers);
    }

    private long[] step(String verb, List<Pod> pods, int workers) throws IOException {
        if (process == null) {
            start();
        }
        StringBuilder cmd = new StringBuilder(verb).append(' ').append(workers);
        for (Pod p : pods) {
            cmd.append(' ').append(p.index());
        }
        long[] nanos = new long[pods.size()];
        try {
            in.write((cmd + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
            for (int i = 0; i < nanos.length; i++) {
                nanos[i] = parse(out.readLine());
            }
        } catch (IOException e) {
            throw new IOException(program.getFileName() + " failed on \"" + cmd + "\": " + failure(), e);
        }
        return nanos;
    }

    private void start() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(program.toString(), mode, node.path().toString(), lower, prefix));
        for (Pod p : pool) {
            cmd.add(p.path());
        }
        // Started from the node namespace like every contender, though the program enters it itself.
        java.nio.file.Files.createDirectories(dataDir);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().put("KEELSON_FLOOR_DATA", dataDir.toString());
        process = node.run(pb::start);
        started.accept(process);
        in = process.getOutputStream();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** One line of the program's answer: a duration in nanoseconds. */
    static long parse(String line) throws IOException {
        if (line == null) {
            throw new IOException("keelson-cni-floor ended before answering");
        }
        try {
            long v = Long.parseLong(line.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            throw new IOException("unexpected line from keelson-cni-floor: \"" + line + "\"", e);
        }
        throw new IOException("unexpected line from keelson-cni-floor: \"" + line + "\"");
    }

    private String failure() {
        return ChildLog.failure(process, log);
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        try {
            in.close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
