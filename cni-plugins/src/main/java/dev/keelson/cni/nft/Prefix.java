package dev.keelson.cni.nft;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An address with its prefix length as results carry it ({@code 10.0.0.5/24}): the host address
 * and the network it sits in, both printed as nft expects them.
 *
 * @param address the host address
 * @param length prefix length
 */
public record Prefix(InetAddress address, int length) {

    /** Parses {@code ip/len} (a bare IP is a host route: /32 or /128). */
    public static Prefix parse(String cidr) {
        int slash = cidr.indexOf('/');
        String ip = slash < 0 ? cidr : cidr.substring(0, slash);
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(ip);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid IP address: " + cidr, e);
        }
        int max = a instanceof Inet4Address ? 32 : 128;
        int len;
        try {
            len = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr, e);
        }
        if (len < 0 || len > max) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        return new Prefix(a, len);
    }

    /** Whether this is an IPv4 prefix. */
    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** nft's protocol keyword for matches on this address: {@code ip} or {@code ip6}. */
    public String nftFamily() {
        return isIpv4() ? "ip" : "ip6";
    }

    /** The host address as text ({@code 10.0.0.5}, {@code fd00::5}). */
    public String host() {
        return address.getHostAddress().replaceAll("%.*$", "");
    }

    /** The network with host bits cleared, as CIDR ({@code 10.0.0.0/24}). */
    public String network() {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, length - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress() + "/" + length;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
