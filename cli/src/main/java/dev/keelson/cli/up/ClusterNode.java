package dev.keelson.cli.up;

import dev.keelson.cri.server.CriNode;
import dev.keelson.node.NodeAgent;
import dev.keelson.node.NodeAgentConfig;
import dev.keelson.node.NodeServices;
import dev.keelson.node.server.KubeletApiOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One node of a {@code keelson up} cluster, in this process, which runs inside the node's network
 * namespace: the node's bridge and CNI conflist, the CRI runtime on a Unix socket, the demo image,
 * the node agent (with its kubelet API on the node's address) and the {@link NodeAddon}s, talking
 * to the API server of {@code kubeconfig}. {@link #close()} stops them in reverse order and removes
 * every pod (containers, pod netns pins, veths, IP allocations, overlay mounts, cgroups).
 */
public final class ClusterNode implements AutoCloseable {
    private final ClusterLayout layout;
    private final Consumer<String> log;
    private final Deque<AutoCloseable> undo = new ArrayDeque<>();
    private CriNode cri;

    private ClusterNode(ClusterLayout layout, Consumer<String> log) {
        this.layout = layout;
        this.log = log;
    }

    /**
     * Starts the node; on a failure, stops what had started and rethrows.
     *
     * @param kubeconfig a kubeconfig of the API server that reaches it from this node's namespace
     * @param libexec the directory of Keelson's helper programs (keelson-pause, keelson-cri-shim)
     * @param addons node addons, started after the node agent in this order
     */
    public static ClusterNode start(ClusterLayout layout, Path kubeconfig, Path libexec, List<NodeAddon> addons,
                                    Consumer<String> log) throws Exception {
        ClusterNode n = new ClusterNode(layout, log);
        try {
            n.startAll(kubeconfig, libexec, addons);
            return n;
        } catch (Exception | Error e) {
            try {
                n.close();
            } catch (Exception cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void startAll(Path kubeconfig, Path libexec, List<NodeAddon> addons) throws Exception {
        for (Path d : List.of(layout.criRoot(), layout.cniConfDir(), layout.ipamDir(), layout.podLogDir(), layout.runDir(),
                layout.agentRootDir())) {
            Files.createDirectories(d);
        }
        NodeNetwork.prepare(layout);
        log.accept("node network: bridge " + layout.bridgeName() + " " + layout.gatewayIp() + "/" + layout.podPrefixLength()
                + ", CNI conflist " + NodeNetwork.conflistPath(layout));

        CriNode.Options options = new CriNode.Options(layout.criSocket(), layout.criRoot(), layout.cniConfDir(),
                List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin")), "runc", Map.of(), Set.of(), libexec,
                layout.cgroupParent(), null);
        cri = CriNode.start(options);
        undo.push(this::removePods);
        String pause = options.sandboxRuntime();
        log.accept("CRI runtime (runc" + (pause == null ? "" : ", pause containers under " + pause) + ") on " + layout.criSocket());
        if (DemoImage.available()) {
            long i0 = System.nanoTime();
            DemoImage.importInto(cri.images(), layout.nodeDir().resolve("tmp"));
            log.accept(String.format("imported image %s (from the host's /bin/busybox, no registry) in %.0f ms",
                    DemoImage.REFERENCE, (System.nanoTime() - i0) / 1e6));
        }

        List<String> dns = new ArrayList<>();
        addons.forEach(a -> dns.addAll(a.clusterDnsServers(layout)));
        NodeAgent agent = NodeAgent.start(NodeAgentConfig.of(layout.nodeName(), kubeconfig, layout.criSocket())
                .withNodeIp(layout.nodeIp()).withPodCidr(layout.podCidr()).withPodLogDir(layout.podLogDir())
                .withRootDir(layout.agentRootDir())
                .withClusterDns(dns, "cluster.local")
                .withLabels(Map.of("keelson.dev/cluster", layout.cluster())),
                // the kubelet API (kubectl logs/exec, stats) on the node's address, its certificate from the cluster CA
                NodeServices.none().withKubeletApi(KubeletApiOptions.fromPki(layout.serverDir().resolve("pki"))
                        .withListen(layout.nodeIp(), 10250)),
                line -> log.accept("node: " + line));
        undo.push(agent);

        NodeAddon.Context ctx = new NodeAddon.Context(layout, layout.nodeName(), kubeconfig, log);
        for (NodeAddon a : addons) {
            undo.push(a.start(ctx));
            log.accept(a.name() + " running");
        }
    }

    /** The node's layout. */
    public ClusterLayout layout() {
        return layout;
    }

    /** The CRI runtime (for image imports). */
    public CriNode cri() {
        return cri;
    }

    /** Removes every pod sandbox the runtime holds, then overlay leftovers; the runtime's server is closed last. */
    private void removePods() throws Exception {
        if (cri == null) {
            return;
        }
        try {
            NodeTeardown.removeAll(cri, log);
        } finally {
            cri.close();
        }
    }

    /** Stops everything in reverse start order; every step is tried, the first failure is thrown (others suppressed). */
    @Override
    public void close() throws IOException {
        Exception first = Undo.all(undo, null);
        try {
            NodeTeardown.afterPods(layout, log);
        } catch (Exception e) {
            first = Undo.add(first, e);
        }
        Undo.rethrow(first, "stopping node " + layout.nodeName());
    }
}
