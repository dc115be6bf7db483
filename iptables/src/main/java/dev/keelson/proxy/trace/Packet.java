package dev.keelson.proxy.trace;

import dev.keelson.proxy.model.Protocol;
import java.net.InetAddress;

/**
 * The first packet of a connection, as the tracer sees it.
 *
 * @param source      client address
 * @param destination destination address
 * @param protocol    TCP, UDP or SCTP
 * @param port        destination port
 * @param fromNode    whether the node itself sends it (output hook, {@code fib saddr type local})
 */
public record Packet(InetAddress source, InetAddress destination, Protocol protocol, int port, boolean fromNode) {
}
