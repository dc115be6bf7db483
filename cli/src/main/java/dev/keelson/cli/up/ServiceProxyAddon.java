package dev.keelson.cli.up;

import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.node.proxy.NodeProxy;
import java.net.InetAddress;
import java.util.List;

/**
 * The Service proxy on the node: nftables rules in the node's network namespace, fed by Services and
 * EndpointSlices. All ClusterIP traffic is masqueraded, because pods share one bridge and the node
 * namespace does not run bridged traffic through netfilter: without it a backend would answer a
 * client on the same bridge directly, past the DNAT. With several nodes, a connection to a backend on
 * another node leaves with the node's underlay address, so the reply comes back through this node.
 */
final class ServiceProxyAddon implements NodeAddon {
    @Override
    public String name() {
        return "service proxy (nftables)";
    }

    @Override
    public AutoCloseable start(Context context) throws Exception {
        ClusterLayout layout = context.layout();
        KubeClient client = new KubeClient(Kubeconfig.load(context.kubeconfig()), "keelson-proxy");
        return NodeProxy.start(client, context.nodeName(), List.of(InetAddress.getByName(layout.nodeIp())),
                NodeProxy.Options.nftables(List.of(layout.multiNode() ? layout.clusterCidr() : layout.podCidr()),
                        List.of(layout.serviceCidr())).withMasqueradeAll(true),
                line -> context.log().accept("proxy: " + line));
    }
}
