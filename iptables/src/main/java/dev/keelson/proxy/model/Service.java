package dev.keelson.proxy.model;

import dev.keelson.netns.addr.IpPrefix;
import java.net.InetAddress;
import java.util.List;

/**
 * The parts of a Kubernetes Service that the proxy acts on.
 *
 * @param ref                      namespace and name
 * @param type                     ClusterIP, NodePort or LoadBalancer
 * @param clusterIPs               {@code spec.clusterIPs} (one per family; empty for headless Services)
 * @param ports                    {@code spec.ports}
 * @param externalIPs              {@code spec.externalIPs}
 * @param loadBalancerIPs          {@code status.loadBalancer.ingress[].ip}
 * @param loadBalancerSourceRanges {@code spec.loadBalancerSourceRanges} (empty = everyone may connect)
 * @param affinity                 ClientIP affinity, or {@link SessionAffinity#NONE}
 * @param internalTrafficPolicy    policy for ClusterIP traffic
 * @param externalTrafficPolicy    policy for NodePort, externalIP and load-balancer traffic
 */
public record Service(ServiceRef ref, ServiceType type, List<InetAddress> clusterIPs, List<ServicePort> ports,
                      List<InetAddress> externalIPs, List<InetAddress> loadBalancerIPs,
                      List<IpPrefix> loadBalancerSourceRanges, SessionAffinity affinity,
                      TrafficPolicy internalTrafficPolicy, TrafficPolicy externalTrafficPolicy) {

    public Service {
        clusterIPs = List.copyOf(clusterIPs);
        ports = List.copyOf(ports);
        externalIPs = List.copyOf(externalIPs);
        loadBalancerIPs = List.copyOf(loadBalancerIPs);
        loadBalancerSourceRanges = List.copyOf(loadBalancerSourceRanges);
    }
}
