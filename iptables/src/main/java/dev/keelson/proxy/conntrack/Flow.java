package dev.keelson.proxy.conntrack;

import dev.keelson.netns.addr.InetAddresses;

import java.net.InetAddress;

/**
 * One conntrack entry, as much of it as the proxy needs.
 *
 * @param protocol     IP protocol number (17 for UDP)
 * @param origSrc      the client
 * @param origSrcPort  the client's port
 * @param origDst      the destination the client used (a service IP, or a node address for a NodePort)
 * @param origDstPort  the port the client used
 * @param replySrc     who answers: the endpoint the connection was DNATed to
 * @param replySrcPort the endpoint's port
 * @param zone         the conntrack zone (0 by default)
 */
public record Flow(int protocol, InetAddress origSrc, int origSrcPort, InetAddress origDst, int origDstPort,
                   InetAddress replySrc, int replySrcPort, int zone) {

    @Override
    public String toString() {
        return "proto " + protocol + " " + InetAddresses.format(origSrc) + ":" + origSrcPort + " -> "
                + InetAddresses.format(origDst) + ":" + origDstPort + " (reply from " + InetAddresses.format(replySrc)
                + ":" + replySrcPort + ")";
    }
}
