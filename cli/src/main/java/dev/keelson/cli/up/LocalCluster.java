package dev.keelson.cli.up;

import dev.keelson.cli.ControlLoops;
import dev.keelson.cli.ServerStores;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.api.ApiServerConfig;
import dev.keelson.control.scheduler.plugins.NodeResourcesFit;
import dev.keelson.control.store.Store;
import dev.keelson.cri.server.CriNode;
import dev.keelson.node.NodeAgent;
import dev.keelson.node.NodeAgentConfig;
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
 * One whole single-node cluster in this process, which must already run inside the node's network
 * namespace ({@link NodeNetnsLauncher} arranges that): the API server on 127.0.0.1, the scheduler
 * and the controller manager, the CRI runtime on a Unix socket, the node's bridge and CNI conflist,
 * the node agent, and the {@link NodeAddon}s. {@link #close()} stops everything in reverse order and
 * removes every pod (containers, pod netns pins, veths, IP allocations, overlay mounts, cgroups).
 */
public final class LocalCluster implements AutoCloseable {
    private final ClusterLayout layout;
    private final Consumer<String> log;
    private final Deque<AutoCloseable> undo = new ArrayDeque<>();
    private CriNode cri;

    private LocalCluster(ClusterLayout layout, Consumer<String> log) {
        this.layout = layout;
        this.log = log;
    }

    /**
     * Starts every component; on a failure, stops what had started and rethrows.
     *
     * @param store "sqlite" (in the data directory) or an etcd URL
     * @param libexec the directory of Keelson's helper programs (keelson-pause, keelson-cri-shim)
     * @param addons node addons, started after the node agent in this order
     */
    public static LocalCluster start(ClusterLayout layout, String store, Path libexec, List<NodeAddon> addons,
                                     Consumer<String> log) throws Exception {
        LocalCluster c = new LocalCluster(layout, log);
        try {
            c.startAll(store, libexec, addons);
            return c;
        } catch (Exception | Error e) {
            try {
                c.close();
            } catch (Exception cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void startAll(String storeSpec, Path libexec, List<NodeAddon> addons) throws Exception {
        long t0 = System.nanoTime();
        for (Path d : List.of(layout.serverDir(), layout.criRoot(), layout.cniConfDir(), layout.ipamDir(), layout.podLogDir(),
                layout.runDir())) {
            Files.createDirectories(d);
        }
        NodeNetwork.prepare(layout);
        log.accept("node network: bridge " + layout.bridgeName() + " " + layout.gatewayIp() + "/" + layout.podPrefixLength()
                + ", CNI conflist " + NodeNetwork.conflistPath(layout));

        Store store = ServerStores.open(storeSpec, layout.serverDir());
        undo.push(store);
        ApiServer api = ApiServer.start(ApiServerConfig.of(layout.serverDir(), store).withBind("127.0.0.1", layout.port())
                .withExtraNames(List.of("localhost", layout.gatewayIp())));
        undo.push(api);
        log.accept("API server on " + api.url() + " (" + (storeSpec.equals("sqlite") ? "SQLite in " + layout.serverDir() : storeSpec) + ")");
        ControlLoops loops = ControlLoops.start(api.kubeconfig(), NodeResourcesFit.Strategy.LEAST_ALLOCATED);
        undo.push(loops);
        log.accept("scheduler and controller manager running");

        cri = CriNode.start(new CriNode.Options(layout.criSocket(), layout.criRoot(), layout.cniConfDir(),
                List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin")), "runc", Map.of(), Set.of(), libexec,
                layout.cgroupParent(), null));
        undo.push(this::removePods);
        log.accept("CRI runtime (runc) on " + layout.criSocket());
        if (DemoImage.available()) {
            long i0 = System.nanoTime();
            DemoImage.importInto(cri.images(), layout.dataDir().resolve("tmp"));
            log.accept(String.format("imported image %s (from the host's /bin/busybox, no registry) in %.0f ms",
                    DemoImage.REFERENCE, (System.nanoTime() - i0) / 1e6));
        }

        List<String> dns = new ArrayList<>();
        addons.forEach(a -> dns.addAll(a.clusterDnsServers(layout)));
        NodeAgent agent = NodeAgent.start(NodeAgentConfig.of(layout.nodeName(), api.kubeconfig(), layout.criSocket())
                .withNodeIp(layout.gatewayIp()).withPodCidr(layout.podCidr()).withPodLogDir(layout.podLogDir())
                .withClusterDns(dns, "cluster.local")
                .withLabels(Map.of("keelson.dev/cluster", layout.cluster())),
                // the kubelet API (kubectl logs/exec, stats) on the gateway address, its certificate from the cluster CA
                dev.keelson.node.NodeServices.none().withKubeletApi(dev.keelson.node.server.KubeletApiOptions
                        .fromPki(layout.serverDir().resolve("pki")).withListen(layout.gatewayIp(), 10250)),
                line -> log.accept("node: " + line));
        undo.push(agent);

        NodeAddon.Context ctx = new NodeAddon.Context(layout, layout.nodeName(), api.kubeconfig(), log);
        for (NodeAddon a : addons) {
            undo.push(a.start(ctx));
            log.accept(a.name() + " running");
        }
        log.accept(String.format("cluster %s up in %.1f s", layout.cluster(), (System.nanoTime() - t0) / 1e9));
    }

    /** The layout. */
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
        Exception first = null;
        while (!undo.isEmpty()) {
            try {
                undo.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        try {
            NodeTeardown.afterPods(layout, log);
        } catch (Exception e) {
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
        if (first instanceof IOException io) {
            throw io;
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first != null) {
            if (first instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("stopping cluster " + layout.cluster() + ": " + first.getMessage(), first);
        }
    }
}
