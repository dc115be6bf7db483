package dev.keelson.proxy.model;

/**
 * One entry of {@code spec.ports}.
 *
 * @param name       the port name ("" when the Service has a single unnamed port)
 * @param protocol   TCP, UDP or SCTP
 * @param port       the service port, 1-65535
 * @param targetPort where endpoints listen (number or name)
 * @param nodePort   the node port, or 0 when none is allocated
 */
public record ServicePort(String name, Protocol protocol, int port, TargetPort targetPort, int nodePort) {
}
