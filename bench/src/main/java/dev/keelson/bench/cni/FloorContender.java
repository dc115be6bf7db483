package dev.keelson.bench.cni;

import dev.keelson.bench.Samples;
import dev.keelson.netns.NetNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The kernel floor: {@code keelson-cni-floor} (bench/c/cni-floor.c) makes the netlink requests an
 * ADD cannot avoid (veth with its peer created in the pod, enslave, up, address, up, default route —
 * or a macvlan created in the pod) and a DEL's one RTM_DELLINK, and times each ADD and DEL itself,
 * so neither process start-up nor a JVM is in its numbers. One process per batch.
 */
final class FloorContender implements Contender {
    private final String label;
    private final Path program;
    private final String mode;
    private final NetNamespace node;
    private final String lower;
    private final String prefix;
    private final Consumer<Process> started;

    /**
     * @param mode    {@code veth} (bridge floor) or {@code macvlan}
     * @param lower   the bridge or the macvlan master in the node namespace
     * @param prefix  first two octets of the pods' addresses, e.g. {@code "10.250"}
     * @param started told of each process as it starts, so that an interrupted run can end it
     */
    FloorContender(String label, Path program, String mode, NetNamespace node, String lower, String prefix,
                   Consumer<Process> started) {
        this.label = label;
        this.program = program;
        this.mode = mode;
        this.node = node;
        this.lower = lower;
        this.prefix = prefix;
        this.started = started;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public void batch(List<Pod> pods, int workers, Samples add, Samples del) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(program.toString(), mode, node.path().toString(), lower, prefix,
                Integer.toString(workers)));
        for (Pod p : pods) {
            cmd.add(p.path());
        }
        // Started from the node namespace like every contender, though the program enters it itself.
        Process proc = node.run(() -> new ProcessBuilder(cmd).start());
        started.accept(proc);
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        String err = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int status = proc.waitFor();
        if (status != 0) {
            throw new IOException(program.getFileName() + " failed with status " + status + (err.isEmpty() ? "" : ": " + err));
        }
        List<String> lines = out.lines().toList();
        if (lines.size() != pods.size()) {
            throw new IOException(program.getFileName() + " printed " + lines.size() + " timings, expected " + pods.size());
        }
        for (String line : lines) {
            parse(line, add, del);
        }
    }

    /** One line of the program's output: {@code "<add ns> <del ns>"}. */
    static void parse(String line, Samples add, Samples del) throws IOException {
        String[] f = line.trim().split("\\s+");
        try {
            if (f.length == 2) {
                add.add(Long.parseLong(f[0]));
                del.add(Long.parseLong(f[1]));
                return;
            }
        } catch (NumberFormatException e) {
            throw new IOException("unexpected line from keelson-cni-floor: \"" + line + "\"", e);
        }
        throw new IOException("unexpected line from keelson-cni-floor: \"" + line + "\"");
    }
}
