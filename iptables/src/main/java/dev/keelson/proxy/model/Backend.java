package dev.keelson.proxy.model;

import dev.keelson.netns.addr.InetAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An endpoint address and port that a Service port forwards to.
 *
 * @param address the endpoint's (first) address
 * @param port    the endpoint port, resolved through the EndpointSlice's port of the same name
 * @param local   whether the endpoint runs on this node
 */
public record Backend(InetAddress address, int port, boolean local) implements Comparable<Backend> {

    /** {@code 10.1.0.5:8080} or {@code [fd00::5]:8080}. */
    @Override
    public String toString() {
        String a = InetAddresses.format(address);
        return (address instanceof Inet6Address ? "[" + a + "]" : a) + ":" + port;
    }

    @Override
    public int compareTo(Backend o) {
        return toString().compareTo(o.toString());
    }
}
