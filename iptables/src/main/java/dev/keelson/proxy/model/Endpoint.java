package dev.keelson.proxy.model;

import java.net.InetAddress;
import java.util.List;

/**
 * One entry of an EndpointSlice's {@code endpoints}.
 *
 * @param addresses  the endpoint's addresses (Kubernetes proxies only the first)
 * @param conditions ready / serving / terminating
 * @param nodeName   the node it runs on, or null
 * @param zone       its zone, or null
 */
public record Endpoint(List<InetAddress> addresses, EndpointConditions conditions, String nodeName, String zone) {

    public Endpoint {
        addresses = List.copyOf(addresses);
    }
}
