package dev.keelson.cli.up;

import dev.keelson.linux.Executables;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs a cluster's node processes, each inside its node's own network namespace, so the host's
 * namespace is never changed. First, in the caller's namespace, it creates and pins
 * {@code /run/netns/keelson-CLUSTER-nodeK} for every node (lo up) — with several nodes also
 * {@code keelson-CLUSTER-underlay} and its bridge, joined to each node by a veth ({@link Underlay}) —
 * and records them in {@code up.json}. A JVM cannot move all of its threads into another namespace,
 * so node processes start there under {@code nsenter --net=PIN}, in one of two ways:
 * <ul>
 * <li>{@link #execAsNodeOne}: this process becomes node 1 (execve, same pid), keeping a descriptor of
 *     the caller's namespace, where node 1 then listens for kubectl ({@link LoopbackRelay}); node 1
 *     starts the other nodes itself ({@link #adopt}). {@code keelson up} is then one process.</li>
 * <li>{@link #run}: every node is a child process, and this process waits in the caller's namespace
 *     (the demo, which compares the host before and after from outside).</li>
 * </ul>
 * Node 1 carries the control plane; on SIGTERM/SIGINT the other nodes' processes get SIGTERM and are
 * waited for before node 1 stops; a node whose process died without removing its pods is cleaned up
 * after ({@link CrashCleanup}); then the pins, the pods' cgroup parents, the record and the run
 * directory are removed. A node other than 1 that dies is reported and left so: its pods move once
 * the control plane evicts them. Nothing else is made in the caller's namespace.
 */
public final class NodeNetnsLauncher {
    /** How long a node process gets to stop its pods after SIGTERM. */
    private static final long STOP_SECONDS = 120;

    private final ClusterLayout layout;
    private final PrintWriter out;
    private final List<NetNamespace> made = new ArrayList<>();
    private final Map<Integer, Process> children = new TreeMap<>();
    private boolean adopted;
    private boolean leaveRecord;
    private boolean stopping;
    private boolean cleaned;

    public NodeNetnsLauncher(ClusterLayout layout, PrintWriter out) {
        this.layout = layout;
        this.out = out;
    }

    /** {@link #run(IntFunction)} with the same arguments for every node. */
    public int run(List<String> args) throws Exception {
        return run(k -> args);
    }

    /**
     * Creates the namespaces (and the underlay), runs {@code keelson ARGS(K)} in each node's as a
     * child process until node 1's ends (or this process is stopped), cleans up, and returns node 1's
     * exit code.
     */
    public int run(IntFunction<List<String>> argsFor) throws Exception {
        refuseIfUp();
        Thread hook = new Thread(this::stopChildrenAndClean, "keelson-up-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            UpRecord record = prepare();
            List<Long> pids = new ArrayList<>();
            for (int k = 1; k <= layout.nodes(); k++) {
                pids.add(startChild(k, argsFor.apply(k)));
            }
            record.withNodePids(pids).write(layout.recordFile());
            int rc = children.get(1).waitFor();
            stopChildrenAndClean();
            return rc;
        } catch (Exception | Error e) {
            stopChildrenAndClean();
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    /**
     * Creates the namespaces (and the underlay), then replaces this process with node 1's
     * ({@code nsenter --net=PIN1 -- java … ARGS --host-netns-fd FD}): same pid, so the record's
     * supervisor is node 1. FD is this namespace, opened without close-on-exec; every other
     * descriptor is marked close-on-exec first. Returns only by throwing, after undoing what it made.
     */
    public void execAsNodeOne(List<String> args) throws Exception {
        refuseIfUp();
        try {
            prepare();
            out.flush();
            Libc.closeRange(3, -1, Libc.CLOSE_RANGE_CLOEXEC);
            int host = Libc.open("/proc/self/ns/net", Flags.O_RDONLY, 0);
            List<String> argv = new ArrayList<>(nsenter(1));
            argv.addAll(javaCommand());
            argv.addAll(args);
            argv.addAll(List.of(HOST_NETNS_FD_OPTION, Integer.toString(host)));
            List<String> env = new ArrayList<>();
            Map<String, String> vars = new TreeMap<>(System.getenv());
            vars.putIfAbsent("MALLOC_ARENA_MAX", MALLOC_ARENAS);
            vars.forEach((k, v) -> env.add(k + "=" + v));
            Libc.execve(argv.getFirst(), argv, env);
        } catch (Exception | Error e) {
            cleanOnce();
            throw e;
        }
    }

    /** The option that tells node 1's process which descriptor is the caller's network namespace. */
    public static final String HOST_NETNS_FD_OPTION = "--host-netns-fd";

    /**
     * The launcher of a cluster whose namespaces and record an earlier image of this process made
     * ({@link #execAsNodeOne}): node 1's process starts the other nodes with {@link #startOthers}, stops
     * them with {@link #stopOthers}, and removes everything with {@link #cleanUp} once its own pods are gone.
     */
    public static NodeNetnsLauncher adopt(ClusterLayout layout, PrintWriter out) {
        NodeNetnsLauncher l = new NodeNetnsLauncher(layout.forNode(1), out);
        l.adopted = true;
        return l;
    }

    /** Starts nodes 2..N as child processes (node 1's process calls this) and records their pids. */
    public void startOthers(IntFunction<List<String>> argsFor) throws IOException {
        List<Long> pids = new ArrayList<>(List.of(ProcessHandle.current().pid()));
        for (int k = 2; k <= layout.nodes(); k++) {
            pids.add(startChild(k, argsFor.apply(k)));
        }
        UpRecord record = UpRecord.read(layout.recordFile())
                .orElseThrow(() -> new IOException("the record " + layout.recordFile() + " is gone"));
        record.withNodePids(pids).write(layout.recordFile());
    }

    /** Pins, underlay and record: everything before the first node process starts. */
    private UpRecord prepare() throws Exception {
        NetnsDirectory pins = NetnsDirectory.system();
        UpRecord record = UpRecord.of(layout, ProcessHandle.current().pid(), pinPaths());
        record.write(layout.recordFile());
        Map<Integer, NetNamespace> nodes = new TreeMap<>();
        for (int k = 1; k <= layout.nodes(); k++) {
            NetNamespace ns = pins.create(layout.forNode(k).nodeNetns(), true);
            made.add(ns);
            nodes.put(k, ns);
        }
        if (layout.multiNode()) {
            NetNamespace underlay = pins.create(layout.underlayNetns(), true);
            made.add(underlay);
            Underlay.prepare(underlay, layout.vxlan());
            nodes.forEach((k, ns) -> Underlay.attach(underlay, ns, k, layout.vxlan()));
            out.println("keelson: " + layout.nodes() + " node network namespaces " + pins.root() + "/keelson-"
                    + layout.cluster() + "-node{1.." + layout.nodes() + "} " + (layout.vxlan()
                    ? "routed by " + layout.underlayNetns() + " (172.30.0.K/32, no shared L2; pods joined by VXLAN)"
                    : "on the bridge " + Underlay.BRIDGE + " of " + layout.underlayNetns() + " (172.30.0.K/24)")
                    + "; the host's namespace is not touched");
        } else {
            out.println("keelson: node network namespace " + pins.pathOf(layout.nodeNetns())
                    + " (lo only; the host's namespace is not touched)");
        }
        out.flush();
        return record;
    }

    /** Every pin this cluster makes: the nodes', then the underlay's. */
    private List<Path> pinPaths() {
        NetnsDirectory pins = NetnsDirectory.system();
        List<Path> all = new ArrayList<>();
        for (int k = 1; k <= layout.nodes(); k++) {
            all.add(pins.pathOf(layout.forNode(k).nodeNetns()));
        }
        if (layout.multiNode()) {
            all.add(pins.pathOf(layout.underlayNetns()));
        }
        return all;
    }

    /** {@code nsenter --net=PIN --}: the start of a command that runs in node K's namespace. */
    private List<String> nsenter(int k) {
        return List.of(Executables.find("nsenter", "util-linux"), "--net=" + NetnsDirectory.system().pathOf(layout.forNode(k).nodeNetns()), "--");
    }

    private long startChild(int k, List<String> args) throws IOException {
        List<String> argv = new ArrayList<>(nsenter(k));
        argv.addAll(javaCommand());
        argv.addAll(args);
        synchronized (this) {
            if (stopping) {
                throw new IllegalStateException("stopping: node " + k + " is not started");
            }
            ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
            pb.environment().putIfAbsent("MALLOC_ARENA_MAX", MALLOC_ARENAS);
            Process p = pb.start();
            children.put(k, p);
            if (k > 1) {
                p.onExit().thenAccept(done -> reportExit(k, done));
            }
            return p.pid();
        }
    }

    /** glibc gives each busy thread its own 64 MiB malloc arena; the cluster JVM runs ~200 threads. */
    private static final String MALLOC_ARENAS = "2";

    private void reportExit(int k, Process p) {
        synchronized (this) {
            if (stopping) {
                return;
            }
        }
        out.println("keelson: the process of node " + k + " (pid " + p.pid() + ") exited with " + p.exitValue()
                + "; its pods move once the control plane evicts them; it is cleaned up when the cluster stops");
        out.flush();
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

    /**
     * JVM settings of the cluster JVM when the user gives none: a compact heap that gives memory
     * back, and C1 only. A node works in bursts through a large, varied code base (API server, store,
     * controllers, runtime, agent): measured over the first 30-pod Deployment, C2's compiler threads
     * took 37 % of the JVM's CPU, and C1 alone cut the JVM's CPU for it by a quarter to a third.
     * Compact object headers shrink the heap; the native heap is trimmed every 5 s.
     */
    static final List<String> NODE_JVM_DEFAULTS = List.of("-XX:+UseSerialGC", "-Xms32m", "-Xmx384m",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=48m",
            "-XX:+UseCompactObjectHeaders", "-XX:TrimNativeHeapInterval=5000", "-Dio.netty.leakDetection.level=disabled");

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

    /**
     * SIGTERM to the other nodes' processes, then node 1's (the control plane goes last, so the others
     * stop while it still answers), each waited for; then the cleanup. A process that does not stop
     * in time is killed, and the record stays for {@code keelson down}.
     */
    private void stopChildrenAndClean() {
        if (stopChildren()) {
            cleanUp();
        }
    }

    /** {@link #stopChildrenAndClean}'s first half; false when a process was stuck (or this thread interrupted). */
    private boolean stopChildren() {
        List<Map.Entry<Integer, Process>> order;
        synchronized (this) {
            stopping = true;
            order = new ArrayList<>(children.entrySet());
        }
        order.sort((a, b) -> a.getKey() == 1 ? 1 : b.getKey() == 1 ? -1 : Integer.compare(a.getKey(), b.getKey()));
        boolean stuck = false;
        try {
            for (var e : order) {
                if (e.getKey() != 1) {
                    e.getValue().destroy();
                }
            }
            for (var e : order) {
                Process p = e.getValue();
                p.destroy();
                if (!p.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                    out.println("keelson: the process of node " + e.getKey() + " did not stop within " + STOP_SECONDS
                            + " s; killing it (then run: keelson down --cluster " + layout.cluster() + ")");
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    stuck = true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        out.flush();
        if (stuck) {
            leaveRecord = true; // its pods were not removed: the record stays for keelson down
        }
        return !stuck;
    }

    /** Node 1's process: SIGTERM to nodes 2..N, each waited for (then node 1 stops itself, then {@link #cleanUp}). */
    public void stopOthers() {
        stopChildren();
    }

    /**
     * Removes what the cluster made (see {@link #cleanOnce}), unless a node process was stuck; a failure
     * is printed, and the record stays for {@code keelson down}.
     */
    public void cleanUp() {
        if (leaveRecord) {
            return;
        }
        try {
            cleanOnce();
        } catch (Exception e) {
            out.println("keelson: cleanup: " + e.getMessage());
            out.flush();
        }
    }

    /**
     * Removes what this side made: the pods of any node whose process died without removing
     * them (its CRI socket is still there); pins, pod cgroup parents, record, run directory.
     */
    private synchronized void cleanOnce() throws Exception {
        if (cleaned) {
            return;
        }
        cleaned = true;
        for (int k = 1; k <= layout.nodes(); k++) {
            ClusterLayout node = layout.forNode(k);
            boolean ran = children.containsKey(k) || (adopted && k == 1);
            if (ran && java.nio.file.Files.exists(node.criSocket())) {
                out.println("keelson: node " + k + " did not remove its pods; removing them now");
                out.flush();
                int rc = CrashCleanup.cleanNode(node, out);
                if (rc != 0) {
                    throw new IOException("removing the pods of node " + k + " failed (exit " + rc + "); run: keelson down --cluster "
                            + layout.cluster());
                }
            }
        }
        HostTeardown.run(layout, pinPaths());
        made.forEach(NetNamespace::close);
        out.println("keelson: cluster " + layout.cluster() + " stopped; network namespaces, cgroups and run directory removed");
        out.flush();
    }
}
