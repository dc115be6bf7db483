package dev.keelson.netns.addr;

import dev.keelson.linux.Flags;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IP address with a prefix length, as written {@code 10.0.0.1/24} or {@code fd00::1/64}. The
 * address keeps its host bits (an interface address is a prefix too); {@link #network()} clears them.
 *
 * @param address an IPv4 or IPv6 address
 * @param length  the prefix length, 0–32 for IPv4 and 0–128 for IPv6
 */
public record IpPrefix(InetAddress address, int length) {

    public IpPrefix {
        Objects.requireNonNull(address, "address");
        int bits = address.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range 0-" + bits
                    + " for " + InetAddresses.format(address));
        }
    }

    /** Parses {@code "10.0.0.1/24"}; a bare address is a host prefix ({@code /32} or {@code /128}). */
    public static IpPrefix parse(String s) {
        int slash = s.indexOf('/');
        InetAddress a = InetAddresses.parse(slash < 0 ? s : s.substring(0, slash));
        if (slash < 0) {
            return new IpPrefix(a, a.getAddress().length * 8);
        }
        try {
            return new IpPrefix(a, Integer.parseInt(s.substring(slash + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prefix length in \"" + s + "\"", e);
        }
    }

    public static IpPrefix of(InetAddress address, int length) {
        return new IpPrefix(address, length);
    }

    /** The default route's destination: {@code 0.0.0.0/0} or {@code ::/0}. */
    public static IpPrefix any(int family) {
        byte[] zero = new byte[family == Flags.AF_INET6 ? 16 : 4];
        return new IpPrefix(addressOf(zero), 0);
    }

    /** {@link Flags#AF_INET} or {@link Flags#AF_INET6}. */
    public int family() {
        return InetAddresses.family(address);
    }

    /** The same prefix with the host bits cleared ({@code 10.0.0.1/24} gives {@code 10.0.0.0/24}). */
    public IpPrefix network() {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.clamp(length - 8L * i, 0, 8);
            b[i] &= (byte) (0xff00 >> keep);
        }
        return new IpPrefix(addressOf(b), length);
    }

    /** Whether {@code a} lies within this prefix. */
    public boolean contains(InetAddress a) {
        return a.getAddress().length == address.getAddress().length
                && new IpPrefix(a, length).network().equals(network());
    }

    private static InetAddress addressOf(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public String toString() {
        return InetAddresses.format(address) + "/" + length;
    }
}
