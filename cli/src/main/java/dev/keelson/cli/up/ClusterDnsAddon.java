package dev.keelson.cli.up;

import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.node.dns.ClusterDns;
import dev.keelson.node.dns.DnsConfig;
import java.util.List;

/**
 * The cluster DNS server on the node, answering on the bridge's gateway address (port 53) in the
 * node's network namespace: pods with {@code dnsPolicy: ClusterFirst} get it as their nameserver,
 * names outside {@code cluster.local} are forwarded to the host's resolvers.
 */
final class ClusterDnsAddon implements NodeAddon {
    @Override
    public String name() {
        return "cluster DNS";
    }

    @Override
    public AutoCloseable start(Context context) throws Exception {
        KubeClient client = new KubeClient(Kubeconfig.load(context.kubeconfig()), "keelson-dns");
        return ClusterDns.start(client, DnsConfig.of(context.layout().gatewayIp(), 53));
    }

    @Override
    public List<String> clusterDnsServers(ClusterLayout layout) {
        return List.of(layout.gatewayIp());
    }
}
