package dev.keelson.cni.ipam.hostlocal;

import java.net.InetAddress;

/**
 * One allocated address: what the result's {@code ips[]} entry says.
 *
 * @param address the allocated address
 * @param prefixLength the prefix length of its subnet
 * @param gateway the gateway of its range
 * @param rangeSet index of the range set it came from
 */
public record Allocation(InetAddress address, int prefixLength, InetAddress gateway, int rangeSet) {

    /** {@code address/prefix}, the result's {@code address} field. */
    public String cidr() {
        return Ips.format(address) + "/" + prefixLength;
    }
}
