package dev.keelson.cli.up;

import java.util.ArrayList;
import java.util.List;

/** The addons {@code keelson up} runs on each node, in start order. */
public final class NodeAddons {
    private NodeAddons() {
    }

    /** The Service proxy, then cluster DNS (so DNS answers only for Services that are already routed). */
    public static List<NodeAddon> standard() {
        return List.of(new ServiceProxyAddon(), new ClusterDnsAddon());
    }

    /** {@link #standard()}, preceded with several nodes by the host-gateway routes to the other nodes' pods. */
    public static List<NodeAddon> forCluster(ClusterLayout layout) {
        List<NodeAddon> all = new ArrayList<>();
        if (layout.multiNode()) {
            all.add(new HostGatewayRoutes(layout.vxlan()));
        }
        all.addAll(standard());
        return List.copyOf(all);
    }
}
