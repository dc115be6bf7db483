package dev.keelson.cli;

import dev.keelson.cli.up.ClusterLayout;
import dev.keelson.cli.up.LocalCluster;
import dev.keelson.cli.up.NodeAddons;
import dev.keelson.cli.up.NodeNetnsLauncher;
import java.io.PrintWriter;
import java.nio.file.Path;
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
 * {@code keelson up}: a whole single-node cluster — API server, scheduler, controller manager, CRI
 * runtime, CNI bridge, node agent (and the Service proxy and cluster DNS once merged) — in one node
 * process that runs inside a network namespace of its own; kubectl reaches it on 127.0.0.1 through
 * a relay. Runs until SIGINT/SIGTERM or {@code keelson down}, then removes everything it made.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run a single-node cluster (control plane, CRI runtime, CNI, node agent) until Ctrl-C or 'keelson down'.")
final class UpCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--store", paramLabel = "STORE", defaultValue = "sqlite",
            description = "sqlite (embedded, in the data directory) or an etcd URL (default: ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--etcd", paramLabel = "URL", description = "Use etcd at URL instead of the embedded SQLite store.")
    String etcd;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "1",
            description = "Number of nodes (only 1 is supported yet).")
    int nodes;

    @Option(names = "--node-process", hidden = true, description = "Internal: this is the node process, already in the node netns.")
    boolean nodeProcess;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (nodes != 1) {
            throw new Main.UsageError("--nodes " + nodes + ": only one node is supported yet");
        }
        String storeSpec = etcd != null ? etcd : store;
        ClusterLayout layout = cluster.layout();
        if (!nodeProcess) {
            List<String> args = new ArrayList<>(List.of("up", "--node-process", "--store", storeSpec));
            args.addAll(cluster.args());
            return new NodeNetnsLauncher(layout, out).run(args, true);
        }
        NodeProcess.quietNetty();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        NodeProcess.onSignal(stop, done);
        try (LocalCluster c = LocalCluster.start(layout, storeSpec, Libexec.program("keelson-pause").getParent(),
                NodeAddons.standard(), line -> log(out, line))) {
            out.println();
            out.println("keelson: cluster \"" + c.layout().cluster() + "\" is up. Use it with kubectl:");
            out.println("  export KUBECONFIG=" + layout.kubeconfig());
            out.println("  kubectl get nodes                # from the host, through the relay on 127.0.0.1:" + layout.port());
            out.println("  ip netns exec " + layout.nodeNetns() + " curl -k https://127.0.0.1:" + layout.port()
                    + "/version   # inside the node's namespace (pod IPs are reachable from there)");
            out.println("Stop it with Ctrl-C or: keelson down --cluster " + layout.cluster());
            out.flush();
            stop.await();
            log(out, "stopping: removing pods, then the node and the control plane");
        } finally {
            done.countDown();
        }
        return 0;
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

        ClusterLayout layout() {
            try {
                ClusterLayout l = ClusterLayout.defaults(name).withPort(port);
                l = dataDir != null ? l.withDataDir(dataDir) : l;
                return runDir != null ? l.withRunDir(runDir) : l;
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
