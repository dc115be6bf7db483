package dev.keelson.proxy.model;

import java.net.Inet6Address;
import java.net.InetAddress;

/** {@code addressType} of an EndpointSlice (FQDN slices are not proxied and are rejected). */
public enum AddressType {
    IPv4, IPv6;

    /** Whether {@code a} belongs to this family. */
    public boolean matches(InetAddress a) {
        return (a instanceof Inet6Address) == (this == IPv6);
    }

    /** The family of {@code a}. */
    public static AddressType of(InetAddress a) {
        return a instanceof Inet6Address ? IPv6 : IPv4;
    }
}
