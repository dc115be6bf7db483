package dev.keelson.proxy.compile;

import dev.keelson.netns.addr.IpPrefix;
import java.net.InetAddress;
import java.util.List;

/**
 * What the compiler needs to know about the node it compiles for.
 *
 * @param nodeName      this node's name (endpoints with the same {@code nodeName} are local)
 * @param nodeIPs       addresses NodePorts answer on (the tracer's stand-in for {@code fib daddr type local})
 * @param clusterCidrs  pod CIDRs: traffic from outside them to a ClusterIP is masqueraded
 * @param serviceCidrs  service CIDRs: traffic to an unallocated address in them is dropped
 * @param masqueradeAll masquerade all ClusterIP traffic (kube-proxy {@code --masquerade-all})
 */
public record NodeConfig(String nodeName, List<InetAddress> nodeIPs, List<IpPrefix> clusterCidrs,
                         List<IpPrefix> serviceCidrs, boolean masqueradeAll) {

    public NodeConfig {
        nodeIPs = List.copyOf(nodeIPs);
        clusterCidrs = clusterCidrs.stream().map(IpPrefix::network).toList();
        serviceCidrs = serviceCidrs.stream().map(IpPrefix::network).toList();
    }

    /** The cluster CIDRs of {@code f}. */
    public List<IpPrefix> clusterCidrs(Family f) {
        return clusterCidrs.stream().filter(p -> Family.of(p.address()) == f).toList();
    }

    /** The service CIDRs of {@code f}. */
    public List<IpPrefix> serviceCidrs(Family f) {
        return serviceCidrs.stream().filter(p -> Family.of(p.address()) == f).toList();
    }
}
