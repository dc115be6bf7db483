package dev.keelson.proxy.model;

import java.util.List;

/**
 * An EndpointSlice, reduced to what the proxy needs.
 *
 * @param name        the slice's own name (several slices may serve one Service)
 * @param service     the Service named by the {@code kubernetes.io/service-name} label
 * @param addressType IPv4 or IPv6
 * @param endpoints   the endpoints
 * @param ports       the ports, matched to Service ports by name
 */
public record EndpointSlice(String name, ServiceRef service, AddressType addressType, List<Endpoint> endpoints,
                            List<EndpointPort> ports) {

    public EndpointSlice {
        endpoints = List.copyOf(endpoints);
        ports = List.copyOf(ports);
    }
}
