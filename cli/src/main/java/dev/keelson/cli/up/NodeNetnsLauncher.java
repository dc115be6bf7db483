package dev.keelson.cli.up;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a cluster's node process inside the node's own network namespace, so the host's namespace is
 * never changed: this process (the supervisor, in the caller's namespace) creates and pins
 * {@code /run/netns/keelson-CLUSTER-node1} (lo up, joined to nothing), records it in {@code up.json},
 * starts the API relay on the caller's loopback, and runs the same {@code keelson} command again
 * under {@code nsenter --net=PIN} — a JVM cannot move all of its threads into another namespace, so
 * the node process starts there. When the node process ends, or this one gets SIGTERM/SIGINT (the
 * node process gets SIGTERM and is waited for), the pin, the pod cgroup parent, the record and the
 * run directory are removed. Nothing else is made in the caller's namespace.
 */
public final class NodeNetnsLauncher {
    /** How long a node process gets to stop its pods after SIGTERM. */
    private static final long STOP_SECONDS = 120;

    private final ClusterLayout layout;
    private final PrintWriter out;
    private Process child;
    private LoopbackRelay relay;
    private NetNamespace node;
    private boolean cleaned;

    public NodeNetnsLauncher(ClusterLayout layout, PrintWriter out) {
        this.layout = layout;
        this.out = out;
    }

    /**
     * Creates the node netns, runs {@code keelson ARGS} in it until it exits (or this process is
     * stopped), cleans up, and returns the node process's exit code.
     *
     * @param relayApi whether to relay the API port onto the caller's loopback
     */
    public int run(List<String> args, boolean relayApi) throws Exception {
        refuseIfUp();
        NetnsDirectory pins = NetnsDirectory.system();
        Path pin = pins.pathOf(layout.nodeNetns());
        UpRecord.of(layout, ProcessHandle.current().pid(), List.of(pin)).write(layout.recordFile());
        Thread hook = new Thread(this::stopChildAndClean, "keelson-up-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            node = pins.create(layout.nodeNetns(), true);
            out.println("keelson: node network namespace " + pin + " (lo only; the host's namespace is not touched)");
            if (relayApi) {
                relay = LoopbackRelay.start(node, layout.port());
            }
            out.flush();
            List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + pin, "--"));
            argv.addAll(javaCommand());
            argv.addAll(args);
            synchronized (this) {
                child = new ProcessBuilder(argv).inheritIO().start();
            }
            int rc = child.waitFor();
            cleanOnce();
            return rc;
        } catch (Exception | Error e) {
            stopChildAndClean();
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    private void refuseIfUp() throws IOException {
        var existing = UpRecord.read(layout.recordFile());
        if (existing.isPresent()) {
            UpRecord r = existing.get();
            throw new IllegalStateException(r.supervisorAlive()
                    ? "cluster \"" + layout.cluster() + "\" is already up (pid " + r.supervisorPid() + "); stop it with: keelson down --cluster " + layout.cluster()
                    : "cluster \"" + layout.cluster() + "\" did not stop cleanly (record " + layout.recordFile()
                    + "); clean up first with: keelson down --cluster " + layout.cluster());
        }
    }

    /** Memory settings of the cluster JVM when the user gives none: the 30-pod node stays near 200 MiB. */
    static final List<String> NODE_JVM_DEFAULTS = List.of("-XX:+UseSerialGC", "-Xms32m", "-Xmx384m",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:ReservedCodeCacheSize=64m");

    /** The command line that starts a JVM like this one: same java, flags, system properties and class path. */
    static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-javaagent")) {
                cmd.add(a);
            }
        }
        // properties set after start (by a test runner, say) are not among the input arguments
        for (String key : java.util.List.of("keelson.libexec", "keelson.bench.bin")) {
            String v = System.getProperty(key);
            if (v != null && cmd.stream().noneMatch(a -> a.startsWith("-D" + key + "="))) {
                cmd.add("-D" + key + "=" + v);
            }
        }
        // the cluster JVM is long-lived and mostly waits: a compact heap that gives memory back, unless
        // the user chose their own (KEELSON_NODE_JVM_OPTS replaces these)
        boolean sized = cmd.stream().anyMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxRAM"));
        String opts = System.getenv("KEELSON_NODE_JVM_OPTS");
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(List.of(opts.trim().split("\\s+")));
        } else if (!sized) {
            cmd.addAll(NODE_JVM_DEFAULTS);
        }
        // a JVM started with -jar gets native access from the jar's manifest; one started with -cp must ask
        if (cmd.stream().noneMatch(a -> a.startsWith("--enable-native-access"))) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.keelson.cli.Main");
        return cmd;
    }

    private void stopChildAndClean() {
        Process p;
        synchronized (this) {
            p = child;
        }
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                    out.println("keelson: node process did not stop within " + STOP_SECONDS + " s; killing it"
                            + " (then run: keelson down --cluster " + layout.cluster() + ")");
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    out.flush();
                    return; // its pods were not removed: leave the record for keelson down
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            cleanOnce();
        } catch (Exception e) {
            out.println("keelson: cleanup: " + e.getMessage());
            out.flush();
        }
    }

    /** Removes what this side made: relay, pin, pod cgroup parent, record, run directory. */
    private synchronized void cleanOnce() throws IOException {
        if (cleaned) {
            return;
        }
        cleaned = true;
        if (relay != null) {
            relay.close();
        }
        HostTeardown.run(layout, List.of(NetnsDirectory.system().pathOf(layout.nodeNetns())));
        if (node != null) {
            node.close();
        }
        out.println("keelson: cluster " + layout.cluster() + " stopped; network namespace, cgroups and run directory removed");
        out.flush();
    }
}
