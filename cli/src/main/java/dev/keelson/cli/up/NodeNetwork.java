package dev.keelson.cli.up;

import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.link.Bridge;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.sysctl.Sysctls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's pod network, in the calling thread's network namespace (the node's): the bridge with
 * the podCIDR's gateway address — made before the first pod so the node's InternalIP exists from the
 * start — and the CNI conflist the runtime reads: Keelson's {@code bridge} (gateway, ipMasq, hairpin
 * so a pod reaches itself through a Service) with {@code host-local} IPAM over the podCIDR. No {@code portmap} yet: Keelson's
 * portmap answers the runtime's network STATUS with "missing containerID", which keeps the node NotReady.
 * With several nodes, ipMasq is off (a pod's address is seen as it is on the other nodes: they route
 * every podCIDR, {@link HostGatewayRoutes}) and forwarding is on from the start.
 */
final class NodeNetwork {
    private NodeNetwork() {
    }

    static Path conflistPath(ClusterLayout layout) {
        return layout.cniConfDir().resolve("10-keelson.conflist");
    }

    /** Creates (or finds) the bridge with its gateway address, sets it up, and writes the conflist. */
    static void prepare(ClusterLayout layout) throws IOException {
        try (Rtnetlink rtnl = Rtnetlink.open()) {
            Links links = new Links(rtnl);
            links.ensure(Bridge.named(layout.bridgeName()));
            int index = links.indexOf(layout.bridgeName());
            new Addresses(rtnl).ensure(Address.of(index, layout.gatewayIp() + "/" + layout.podPrefixLength()));
            links.setUp(layout.bridgeName());
            // The node namespace has no default route; ClusterIPs must still be routable from the
            // node itself (a process there, the kubelet's probes), so their range points at the
            // bridge, where the proxy's output-hook DNAT rewrites them before they leave.
            new dev.keelson.netns.route.Routes(rtnl).ensure(dev.keelson.netns.route.Route.to(layout.serviceCidr())
                    .withOif(index).withPrefsrc(java.net.InetAddress.getByName(layout.gatewayIp())));
        }
        if (layout.multiNode()) {
            Sysctls.here().setIpForward(true);
        }
        Files.createDirectories(layout.cniConfDir());
        Files.writeString(conflistPath(layout), conflist(layout));
    }

    /** The conflist text (CNI 1.1.0). */
    static String conflist(ClusterLayout layout) {
        return """
                {
                  "cniVersion": "1.1.0",
                  "name": "keelson",
                  "plugins": [
                    {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": %s, "hairpinMode": true,
                     "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s", "gateway": "%s"}]],
                              "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"}}
                  ]
                }
                """.formatted(layout.bridgeName(), !layout.multiNode(), layout.podCidr(), layout.gatewayIp(), layout.ipamDir());
    }
}
