package dev.keelson.cli;

import dev.keelson.cli.up.ClusterDemo;
import dev.keelson.cli.up.ClusterLayout;
import dev.keelson.cli.up.HostSnapshot;
import dev.keelson.cli.up.LocalCluster;
import dev.keelson.cli.up.NodeAddon;
import dev.keelson.cli.up.NodeAddons;
import dev.keelson.cli.up.NodeNetnsLauncher;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keelson demo}: the cluster demo, end to end and in one command — a single-node cluster in
 * its own network namespace, a busybox image made on the spot, a Deployment and a Service, requests
 * spread over the pods, a rollout and a rollback, a killed pod replaced — then everything is torn
 * down and the host is compared with how it was before. {@code keelson demo datapath} is the
 * earlier data-path demo (namespaces, veths, the CNI bridge plugin, the netns benchmark).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, subcommands = DataPathDemo.class,
        description = "Run the cluster demo: keelson up in a namespace of its own, a Deployment and a Service, requests,"
                + " rollout, rollback, a pod replaced, teardown with the host left as found.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--cluster", paramLabel = "NAME", defaultValue = "demo", description = "Cluster name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "16443",
            description = "API server port on 127.0.0.1 of the node namespace (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: a fresh directory under /tmp, removed at the end).")
    Path dataDir;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Runtime files (default: /run/keelson/NAME).")
    Path runDir;

    @Option(names = "--node-process", hidden = true, description = "Internal: run the scenario, inside the node netns.")
    boolean nodeProcess;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean madeData = dataDir == null;
        Path data = madeData ? Files.createTempDirectory("keelson-demo-") : dataDir;
        ClusterLayout layout;
        try {
            layout = ClusterLayout.defaults(name).withPort(port).withDataDir(data);
            layout = runDir != null ? layout.withRunDir(runDir) : layout;
        } catch (IllegalArgumentException e) {
            throw new Main.UsageError(e.getMessage());
        }
        if (nodeProcess) {
            return scenario(layout, out);
        }
        out.println("== Before: what the host has (the demo must leave it exactly so)");
        HostSnapshot before = HostSnapshot.take(layout);
        out.printf("   %d network namespaces in /run/netns, %d links here, %d mounts%n", before.pins().size(),
                before.links().size(), before.mounts().size());
        out.println();
        out.println("== Start the cluster: keelson up --cluster " + name + " (control plane, CRI runtime, CNI bridge, node agent)");
        out.flush();
        int rc;
        try {
            rc = new NodeNetnsLauncher(layout, out).run(List.of("demo", "--node-process", "--cluster", name,
                    "--port", Integer.toString(port), "--data-dir", data.toString(), "--run-dir", layout.runDir().toString()));
        } finally {
            if (madeData) {
                dev.keelson.linux.FileTrees.delete(data);
            }
        }
        out.println();
        out.println("== After: the host compared with before");
        HostSnapshot.take(layout).restoreNetnsMount(before);
        boolean same = HostSnapshot.take(layout).printComparedTo(before, out);
        out.println(same ? "   the host is as the demo found it" : "   THE HOST CHANGED (see above)");
        out.flush();
        return rc != 0 ? rc : same ? 0 : Main.FAILED;
    }

    private static int scenario(ClusterLayout layout, PrintWriter out) throws Exception {
        NodeProcess.quietNetty();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        NodeProcess.onSignal(stop, done);
        List<NodeAddon> addons = NodeAddons.standard();
        boolean dns = addons.stream().anyMatch(a -> !a.clusterDnsServers(layout).isEmpty());
        try (LocalCluster c = LocalCluster.start(layout, "sqlite", Libexec.program("keelson-pause").getParent(), addons,
                line -> {
                    out.println("   " + line);
                    out.flush();
                })) {
            int missing = new ClusterDemo(c, dns, out).run();
            out.println();
            out.println("== Tear down: stop the node agent, remove every pod (containers, pod namespaces, veths, mounts,"
                    + " cgroups), stop the control plane");
            out.flush();
            if (missing > 0) {
                out.println("   (" + missing + " step(s) above could not run in this build: they need the Service proxy,"
                        + " ClusterIP allocation or cluster DNS)");
            }
        } finally {
            done.countDown();
        }
        return 0;
    }
}
