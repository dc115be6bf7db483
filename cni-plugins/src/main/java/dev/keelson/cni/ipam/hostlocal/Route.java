package dev.keelson.cni.ipam.hostlocal;

import java.net.InetAddress;

/**
 * A route from the IPAM config, passed through to the result unchanged.
 *
 * @param dst destination as written (host bits kept, like the reference)
 * @param gateway next hop, or null for the interface's own gateway
 */
public record Route(Cidr dst, InetAddress gateway) {
}
