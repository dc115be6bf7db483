package dev.keelson.cni.spec;

import dev.keelson.netns.addr.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * IP address and CIDR text as Go's {@code net} package prints it, so addresses in results read
 * the same as the reference's: IPv4 dotted quads, IPv6 in RFC 5952 form (lower case, the longest
 * run of zero groups as {@code ::}). The address keeps its host bits ({@code 10.1.0.5/24}).
 */
public final class Cidr {
    private static final java.util.regex.Pattern DOTTED_QUAD =
            java.util.regex.Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private Cidr() {
    }

    /** {@code ip/prefix} normalised; {@link IllegalArgumentException} naming the text otherwise. */
    public static String canonical(String cidr) {
        if (cidr == null) {
            throw new IllegalArgumentException("missing CIDR address");
        }
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        InetAddress ip = parse(cidr.substring(0, slash), cidr);
        int max = ip instanceof Inet4Address ? 32 : 128;
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        if (prefix < 0 || prefix > max || !cidr.substring(slash + 1).matches("[0-9]+")) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        return format(ip) + "/" + prefix;
    }

    /** A bare IP address normalised. */
    public static String canonicalIp(String ip) {
        return format(parse(ip, ip));
    }

    /** True when the address (bare or CIDR) is IPv4. */
    public static boolean isIpv4(String text) {
        int slash = text.indexOf('/');
        return parse(slash < 0 ? text : text.substring(0, slash), text) instanceof Inet4Address;
    }

    private static InetAddress parse(String ip, String whole) {
        // ofLiteral never resolves names; a zone ("%eth0") or brackets are not addresses here.
        if (ip.isEmpty() || ip.indexOf('%') >= 0 || ip.indexOf('[') >= 0) {
            throw new IllegalArgumentException("invalid IP address: " + whole);
        }
        // ofLiteral also takes BSD shorthand ("10.1", "0x0a.1"); Go takes only four decimal octets.
        if (ip.indexOf(':') < 0 && !DOTTED_QUAD.matcher(ip).matches()) {
            throw new IllegalArgumentException("invalid IP address: " + whole);
        }
        try {
            return InetAddress.ofLiteral(ip);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid IP address: " + whole);
        }
    }

    /** Go prints addresses as iproute2 does (RFC 5952 for IPv6), so one formatter serves both. */
    private static String format(InetAddress a) {
        return InetAddresses.format(a);
    }
}
