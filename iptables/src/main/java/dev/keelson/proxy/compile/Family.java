package dev.keelson.proxy.compile;

import dev.keelson.proxy.model.AddressType;
import java.net.Inet6Address;
import java.net.InetAddress;

/** An IP family as the rule languages name it. */
public enum Family {
    V4("ip", "4", "iptables", 32),
    V6("ip6", "6", "ip6tables", 128);

    private final String nft;
    private final String suffix;
    private final String iptables;
    private final int bits;

    Family(String nft, String suffix, String iptables, int bits) {
        this.nft = nft;
        this.suffix = suffix;
        this.iptables = iptables;
        this.bits = bits;
    }

    /** The nft payload protocol: {@code ip} or {@code ip6}. */
    public String nft() {
        return nft;
    }

    /** Suffix of per-family nft set and map names: {@code 4} or {@code 6}. */
    public String suffix() {
        return suffix;
    }

    /** {@code iptables} or {@code ip6tables}. */
    public String iptables() {
        return iptables;
    }

    /** Host prefix length: 32 or 128. */
    public int bits() {
        return bits;
    }

    public AddressType addressType() {
        return this == V4 ? AddressType.IPv4 : AddressType.IPv6;
    }

    public static Family of(InetAddress a) {
        return a instanceof Inet6Address ? V6 : V4;
    }
}
