package dev.keelson.control.model;

import java.math.BigInteger;
import java.net.InetAddress;

/**
 * An IPv4 or IPv6 prefix such as {@code 10.96.0.0/12}, with offsets into it: offset 0 is the
 * network address, {@code size() - 1} the last address.
 *
 * @param network the first address (host bits zero)
 * @param bits the prefix length
 */
public record Cidr(InetAddress network, int bits) {
    public Cidr {
        int max = network.getAddress().length * 8;
        if (bits < 0 || bits > max) {
            throw new IllegalArgumentException("invalid prefix length /" + bits + " for " + network.getHostAddress());
        }
    }

    /** Parses {@code a.b.c.d/n} or {@code x:y::/n}; host bits must be zero, as Kubernetes requires. */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid CIDR address: " + text);
        }
        InetAddress base = Ips.parse(text.substring(0, slash))
                .orElseThrow(() -> new IllegalArgumentException("invalid CIDR address: " + text));
        int bits;
        try {
            bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid CIDR address: " + text, e);
        }
        Cidr c = new Cidr(base, bits);
        if (!c.at(BigInteger.ZERO).equals(base)) {
            throw new IllegalArgumentException("invalid CIDR address: " + text + " (host bits are set)");
        }
        return c;
    }

    /** {@code IPv4} or {@code IPv6}, as Kubernetes' {@code ipFamilies} names them. */
    public String family() {
        return Ips.family(network);
    }

    /** Number of addresses in the prefix. */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(network.getAddress().length * 8 - bits);
    }

    public boolean contains(InetAddress ip) {
        if (ip.getAddress().length != network.getAddress().length) {
            return false;
        }
        BigInteger off = Ips.toBig(ip).subtract(Ips.toBig(network));
        return off.signum() >= 0 && off.compareTo(size()) < 0;
    }

    /** The address at {@code offset} from the network address. */
    public InetAddress at(BigInteger offset) {
        BigInteger mask = BigInteger.ONE.shiftLeft(network.getAddress().length * 8)
                .subtract(BigInteger.ONE).xor(size().subtract(BigInteger.ONE));
        return Ips.fromBig(Ips.toBig(network).and(mask).add(offset), network.getAddress().length);
    }

    /** The offset of {@code ip} from the network address (caller checks {@link #contains}). */
    public BigInteger offsetOf(InetAddress ip) {
        return Ips.toBig(ip).subtract(Ips.toBig(network));
    }

    /** The {@code index}-th subnet of length {@code subnetBits} inside this prefix. */
    public Cidr subnet(int subnetBits, long index) {
        int width = network.getAddress().length * 8;
        BigInteger step = BigInteger.ONE.shiftLeft(width - subnetBits);
        return new Cidr(Ips.fromBig(Ips.toBig(network).add(step.multiply(BigInteger.valueOf(index))),
                network.getAddress().length), subnetBits);
    }

    @Override
    public String toString() {
        return Ips.format(network) + "/" + bits;
    }
}
