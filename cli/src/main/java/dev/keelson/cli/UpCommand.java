package dev.keelson.cli;

import dev.keelson.cli.up.ClusterLayout;
import dev.keelson.cli.up.ClusterNode;
import dev.keelson.cli.up.LocalCluster;
import dev.keelson.cli.up.LoopbackRelay;
import dev.keelson.cli.up.NodeAddons;
import dev.keelson.cli.up.NodeJoin;
import dev.keelson.cli.up.NodeNetnsLauncher;
import dev.keelson.control.controller.NodeLifecycleController;
import dev.keelson.netns.NetNamespace;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keelson up}: a whole cluster — API server, scheduler, controller manager, and on every node
 * a CRI runtime, CNI bridge, node agent, Service proxy and cluster DNS — with one node process per
 * node, each inside a network namespace of its own (node 1 also runs the control plane; with
 * {@code --nodes N} an underlay bridge joins them and each routes to the others' podCIDRs);
 * kubectl reaches the API server on 127.0.0.1 through a relay. Runs until SIGINT/SIGTERM or
 * {@code keelson down}, then removes everything it made.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run a cluster (control plane, CRI runtime, CNI, node agent, proxy, DNS; --nodes N for several nodes) until Ctrl-C or 'keelson down'.")
final class UpCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--store", paramLabel = "STORE", defaultValue = "sqlite",
            description = "sqlite (embedded, in the data directory) or an etcd URL (default: ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--etcd", paramLabel = "URL", description = "Use etcd at URL instead of the embedded SQLite store.")
    String etcd;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "1",
            description = "Number of nodes, each in its own network namespace on an underlay bridge (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--overlay", paramLabel = "MODE", defaultValue = ClusterLayout.HOST_GW,
            description = "With several nodes: host-gw (routes via each node on one L2 underlay) or vxlan (a VXLAN overlay"
                    + " over a routed underlay where nodes share no L2) (default: ${DEFAULT-VALUE}).")
    String overlay;

    // How long pods then stay is their own unreachable/not-ready tolerations' tolerationSeconds: the
    // API server gives every pod 300 s unless it says otherwise (DefaultTolerationSeconds admission).
    @Option(names = "--node-monitor-grace-period", paramLabel = "SECONDS", defaultValue = "40",
            description = "How long a node may be silent before it is Unknown and tainted unreachable; its pods are evicted"
                    + " once their tolerationSeconds (300 unless the pod sets its own) run out (default: ${DEFAULT-VALUE}).")
    int gracePeriod;

    @Option(names = "--node-process", hidden = true, description = "Internal: this is the node process, already in the node netns.")
    boolean nodeProcess;

    @Option(names = NodeNetnsLauncher.HOST_NETNS_FD_OPTION, hidden = true, defaultValue = "-1",
            description = "Internal: node 1's descriptor of the caller's network namespace (this process was keelson up).")
    int hostNetnsFd;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (gracePeriod < 1) {
            throw new Main.UsageError("--node-monitor-grace-period must be at least 1 second");
        }
        String storeSpec = etcd != null ? etcd : store;
        ClusterLayout layout;
        try {
            layout = cluster.layout(nodes).withOverlay(overlay);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageError(e.getMessage());
        }
        if (!nodeProcess) {
            new NodeNetnsLauncher(layout, out).execAsNodeOne(nodeArgs(1, storeSpec));
            throw new IllegalStateException("unreachable: execve returned");
        }
        NodeProcess.quietNetty();
        if (hostNetnsFd >= 0) {
            return runNodeOne(out, layout, storeSpec);
        }
        if (layout.node() == 1) {
            throw new Main.UsageError("node 1's process is started by keelson up itself (" + NodeNetnsLauncher.HOST_NETNS_FD_OPTION
                    + " missing)");
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        NodeProcess.onSignal(stop, done);
        String prefix = "[node" + layout.node() + "] ";
        try (ClusterNode running = ClusterNode.start(layout, NodeJoin.await(layout, Duration.ofSeconds(180)),
                Libexec.program("keelson-pause").getParent(), NodeAddons.forCluster(layout), line -> log(out, prefix + line))) {
            ClusterLayout node = running.layout();
            log(out, prefix + "node " + node.nodeName() + " up (" + node.nodeIp() + ", pods " + node.podCidr() + ")");
            stop.await();
            log(out, prefix + "stopping: removing pods, then the node");
        } finally {
            done.countDown();
        }
        return 0;
    }

    /**
     * Node 1's process, which {@code keelson up} became: relays kubectl's connections from the caller's
     * loopback, runs the control plane and node 1, starts the other nodes, and on SIGTERM/SIGINT stops
     * them, then itself, then removes what the cluster made.
     */
    @SuppressWarnings("try") // the relays and the cluster are held open for the block's duration
    private int runNodeOne(PrintWriter out, ClusterLayout layout, String storeSpec) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        NodeProcess.onSignal(stop, done);
        NodeNetnsLauncher nodes = NodeNetnsLauncher.adopt(layout, out);
        String prefix = layout.multiNode() ? "[node1] " : "";
        List<LoopbackRelay> etcdRelays = new ArrayList<>();
        try (NetNamespace caller = NetNamespace.open(Path.of("/proc/self/fd/" + hostNetnsFd));
                LoopbackRelay relay = LoopbackRelay.start(caller, layout.port());
                AutoCloseable relays = () -> {
                    for (LoopbackRelay r : etcdRelays) {
                        r.close();
                    }
                };
                LocalCluster running = LocalCluster.start(layout, etcdThrough(caller, storeSpec, etcdRelays),
                        Libexec.program("keelson-pause").getParent(),
                        NodeAddons.forCluster(layout), new NodeLifecycleController.Options(Duration.ofSeconds(gracePeriod),
                                NodeLifecycleController.Options.DEFAULTS.defaultToleration()), line -> log(out, prefix + line))) {
            nodes.startOthers(k -> nodeArgs(k, storeSpec));
            printUsage(out, layout);
            stop.await();
            log(out, prefix + "stopping: " + (layout.multiNode() ? "the other nodes, then " : "") + "pods, node and control plane");
            nodes.stopOthers();
        } finally {
            try {
                nodes.cleanUp();
            } finally {
                done.countDown();
            }
        }
        return 0;
    }

    /**
     * The store spec as the node namespace can use it: etcd at {@code http://HOST:PORT} is in the
     * caller's network, which the node namespace has no route to, so each endpoint is reached through
     * a relay on this namespace's loopback ({@link LoopbackRelay#toCaller}). "sqlite" stays as it is.
     */
    private static String etcdThrough(NetNamespace caller, String storeSpec, List<LoopbackRelay> relays) throws java.io.IOException {
        if (storeSpec.equals("sqlite")) {
            return storeSpec;
        }
        List<String> local = new ArrayList<>();
        for (String endpoint : storeSpec.split(",")) {
            java.net.URI u = java.net.URI.create(endpoint.strip());
            if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                throw new Main.UsageError("--etcd must be http://HOST:PORT (or a comma-separated list), not \"" + endpoint + "\"");
            }
            int port = u.getPort() >= 0 ? u.getPort() : 2379;
            LoopbackRelay r = LoopbackRelay.toCaller(caller, new InetSocketAddress(u.getHost(), port));
            relays.add(r);
            local.add(u.getScheme() + "://127.0.0.1:" + r.port());
        }
        return String.join(",", local);
    }

    /** The arguments of node K's process. */
    private List<String> nodeArgs(int k, String storeSpec) {
        List<String> args = new ArrayList<>(List.of("up", "--node-process", "--node", Integer.toString(k),
                "--nodes", Integer.toString(nodes), "--overlay", overlay, "--store", storeSpec,
                "--node-monitor-grace-period", Integer.toString(gracePeriod)));
        args.addAll(cluster.args());
        return args;
    }

    private static void printUsage(PrintWriter out, ClusterLayout layout) {
        out.println();
        out.println("keelson: cluster \"" + layout.cluster() + "\" is up" + (layout.multiNode()
                ? " (node 1 of " + layout.nodes() + "; the others join at 172.30.0.K)" : "") + ". Use it with kubectl:");
        out.println("  export KUBECONFIG=" + layout.kubeconfig());
        out.println("  kubectl get nodes                # from the host (this process listens on its 127.0.0.1:" + layout.port() + " too)");
        out.println("  ip netns exec " + layout.nodeNetns() + " curl -k https://127.0.0.1:" + layout.port()
                + "/version   # inside the node's namespace (pod IPs are reachable from there)");
        out.println("Stop it with Ctrl-C or: keelson down --cluster " + layout.cluster());
        out.flush();
    }

    private static void log(PrintWriter out, String line) {
        out.println(Instant.now() + " " + line);
        out.flush();
    }

    /** The options {@code up}, {@code down} and {@code demo} share: which cluster and where its files are. */
    static final class ClusterOptions {
        @Option(names = "--cluster", paramLabel = "NAME", defaultValue = ClusterLayout.DEFAULT_CLUSTER,
                description = "Cluster name (default: ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: /var/lib/keelson/NAME).")
        Path dataDir;

        @Option(names = "--run-dir", paramLabel = "DIR", description = "Runtime files: record, sockets (default: /run/keelson/NAME).")
        Path runDir;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "6443",
                description = "API server port, on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--node", paramLabel = "K", defaultValue = "1", hidden = true,
                description = "Internal: which node a node process serves.")
        int node;

        /** The layout of the node {@code --node} names (node 1 unless given), in a cluster of at least that many nodes. */
        ClusterLayout layout() {
            return layout(Math.max(1, node));
        }

        /** The layout of the node {@code --node} names in a cluster of {@code nodes} nodes. */
        ClusterLayout layout(int nodes) {
            try {
                ClusterLayout l = ClusterLayout.defaults(name).withPort(port);
                l = dataDir != null ? l.withDataDir(dataDir) : l;
                l = runDir != null ? l.withRunDir(runDir) : l;
                l = l.withNodes(nodes);
                if (node < 1 || node > nodes) {
                    throw new IllegalArgumentException("--node " + node + " is not one of " + nodes + " node(s)");
                }
                return l.forNode(node);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageError(e.getMessage());
            }
        }

        /** These options as arguments for the node process. */
        List<String> args() {
            ClusterLayout l = layout();
            return List.of("--cluster", l.cluster(), "--data-dir", l.dataDir().toString(), "--run-dir", l.runDir().toString(),
                    "--port", Integer.toString(l.port()));
        }
    }
}
