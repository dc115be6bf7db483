package dev.keelson.cni.spec;

/**
 * An address of a result: {@code address} in CIDR form ({@code 10.1.0.5/24}), an optional
 * {@code gateway}, and the index into the result's interfaces (null when it names none).
 */
public record IpConfig(Integer interfaceIndex, String address, String gateway) {
    public IpConfig {
        address = Cidr.canonical(address);
        gateway = gateway == null || gateway.isEmpty() ? null : Cidr.canonicalIp(gateway);
    }

    /** True for an IPv4 address (also an IPv4-mapped IPv6 one, as Go's {@code To4} decides). */
    public boolean isIpv4() {
        return Cidr.isIpv4(address);
    }
}
