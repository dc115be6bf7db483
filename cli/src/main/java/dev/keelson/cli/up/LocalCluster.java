package dev.keelson.cli.up;

import dev.keelson.cli.ControlLoops;
import dev.keelson.cli.ServerStores;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.api.ApiServerConfig;
import dev.keelson.control.controller.NodeLifecycleController;
import dev.keelson.control.scheduler.plugins.NodeResourcesFit;
import dev.keelson.control.store.Store;
import dev.keelson.cri.server.CriNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Node 1 of a {@code keelson up} cluster — the control plane and a {@link ClusterNode} — in this
 * process, which must already run inside the node's network namespace ({@link NodeNetnsLauncher}
 * arranges that): the API server, the scheduler and the controller manager (node IPAM, node
 * lifecycle), then the node. With one node the API server listens on 127.0.0.1 only; with several it
 * listens on every address of node 1's namespace, so the other nodes reach it at node 1's underlay
 * address, which its serving certificate names. {@link #close()} stops everything in reverse order
 * and removes every pod.
 */
public final class LocalCluster implements AutoCloseable {
    private final ClusterLayout layout;
    private final Deque<AutoCloseable> undo = new ArrayDeque<>();
    private ClusterNode node;

    private LocalCluster(ClusterLayout layout) {
        this.layout = layout;
    }

    /** {@link #start(ClusterLayout, String, Path, List, NodeLifecycleController.Options, Consumer)} with the default node lifecycle timings. */
    public static LocalCluster start(ClusterLayout layout, String store, Path libexec, List<NodeAddon> addons,
                                     Consumer<String> log) throws Exception {
        return start(layout, store, libexec, addons, NodeLifecycleController.Options.DEFAULTS, log);
    }

    /**
     * Starts every component; on a failure, stops what had started and rethrows.
     *
     * @param store "sqlite" (in the data directory) or an etcd URL
     * @param libexec the directory of Keelson's helper programs (keelson-pause, keelson-cri-shim)
     * @param addons node addons, started after the node agent in this order
     * @param lifecycle when a silent node becomes Unknown and when its pods are evicted
     */
    public static LocalCluster start(ClusterLayout layout, String store, Path libexec, List<NodeAddon> addons,
                                     NodeLifecycleController.Options lifecycle, Consumer<String> log) throws Exception {
        LocalCluster c = new LocalCluster(layout);
        try {
            c.startAll(store, libexec, addons, lifecycle, log);
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

    private void startAll(String storeSpec, Path libexec, List<NodeAddon> addons, NodeLifecycleController.Options lifecycle,
                          Consumer<String> log) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(layout.serverDir());
        Store store = ServerStores.open(storeSpec, layout.serverDir());
        undo.push(store);
        ApiServerConfig config = ApiServerConfig.of(layout.serverDir(), store).withBind("127.0.0.1", layout.port())
                .withExtraNames(List.of("localhost", layout.gatewayIp()));
        if (layout.multiNode()) {
            // reachable from the other nodes over the underlay (the namespace holds nothing else but lo and the pods' bridge)
            config = config.withBind("0.0.0.0", layout.port()).withAdvertiseAddress(layout.nodeIp())
                    .withExtraNames(List.of("localhost", layout.gatewayIp(), layout.nodeIp()));
        }
        ApiServer api = ApiServer.start(config);
        undo.push(api);
        log.accept("API server on " + api.url() + (layout.multiNode() ? " and https://" + layout.nodeIp() + ":" + layout.port() : "")
                + " (" + (storeSpec.equals("sqlite") ? "SQLite in " + layout.serverDir() : storeSpec) + ")");
        ControlLoops loops = ControlLoops.start(api.kubeconfig(), NodeResourcesFit.Strategy.LEAST_ALLOCATED, lifecycle,
                layout.nodeDir().resolve("local-path"));
        undo.push(loops);
        log.accept("scheduler and controller manager running (node monitor grace period " + lifecycle.gracePeriod().toSeconds() + " s)");
        node = ClusterNode.start(layout, api.kubeconfig(), libexec, addons, log);
        undo.push(node);
        log.accept(String.format("cluster %s up in %.1f s", layout.cluster(), (System.nanoTime() - t0) / 1e9));
    }

    /** The layout (node 1's). */
    public ClusterLayout layout() {
        return layout;
    }

    /** Node 1's CRI runtime (for image imports). */
    public CriNode cri() {
        return node.cri();
    }

    /** Stops the node (removing its pods), then the control plane; every step is tried, the first failure is thrown. */
    @Override
    public void close() throws IOException {
        Undo.rethrow(Undo.all(undo, null), "stopping cluster " + layout.cluster());
    }
}
