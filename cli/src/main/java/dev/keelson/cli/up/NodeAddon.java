package dev.keelson.cli.up;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A node-side service {@code keelson up} starts after the node agent and stops before it, in the
 * node's network namespace: the hook point for the Service proxy (nftables rules fed by
 * Services/EndpointSlices) and the cluster DNS server, which are built separately and plugged in
 * through {@link NodeAddons#standard()}.
 */
public interface NodeAddon {
    /** A short name for log lines ("service proxy", "cluster DNS"). */
    String name();

    /**
     * Starts the service; the returned handle stops it (and removes what it made) on close.
     *
     * @throws Exception when it cannot start; {@code keelson up} then stops with that message
     */
    AutoCloseable start(Context context) throws Exception;

    /** Cluster DNS servers pods with {@code dnsPolicy: ClusterFirst} should use; empty for everything but DNS. */
    default List<String> clusterDnsServers(ClusterLayout layout) {
        return List.of();
    }

    /**
     * What an addon is told.
     *
     * @param layout the cluster's paths and ranges
     * @param nodeName the node it serves
     * @param kubeconfig the admin kubeconfig of the API server
     * @param log one line per notable action
     */
    record Context(ClusterLayout layout, String nodeName, Path kubeconfig, Consumer<String> log) {
    }
}
