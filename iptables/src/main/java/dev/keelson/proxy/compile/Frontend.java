package dev.keelson.proxy.compile;

import dev.keelson.netns.addr.InetAddresses;
import java.net.InetAddress;

/**
 * An address and port where a service port is reached.
 *
 * @param kind    cluster IP, external IP, load-balancer IP or node port
 * @param address the destination address, or null for a node port (any local address)
 * @param port    the destination port
 */
public record Frontend(Kind kind, InetAddress address, int port) {

    /** How traffic reaches the service. */
    public enum Kind {
        CLUSTER_IP("cluster IP"), EXTERNAL_IP("external IP"), LOAD_BALANCER("loadbalancer IP"), NODE_PORT("nodePort");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The words kube-proxy uses in rule comments. */
        public String label() {
            return label;
        }
    }

    /** Whether this is external traffic in the {@code externalTrafficPolicy} sense. */
    public boolean external() {
        return kind != Kind.CLUSTER_IP;
    }

    @Override
    public String toString() {
        return kind.label() + " " + (address == null ? "*" : InetAddresses.format(address)) + ":" + port;
    }
}
