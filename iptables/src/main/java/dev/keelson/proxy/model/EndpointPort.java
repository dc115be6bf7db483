package dev.keelson.proxy.model;

/** One entry of an EndpointSlice's {@code ports}: its name matches the Service port name. */
public record EndpointPort(String name, Protocol protocol, int port) {
}
