package dev.keelson.cli.up;

import java.util.List;

/** The addons {@code keelson up} runs on each node, in start order. */
public final class NodeAddons {
    private NodeAddons() {
    }

    /**
     * The standard set. Empty until the Service proxy and the cluster DNS server are merged: add
     * them here (proxy first, so DNS answers only for Services that are already routed). Until then
     * the demo's ClusterIP and DNS steps say that they are missing.
     */
    public static List<NodeAddon> standard() {
        return List.of();
    }
}
