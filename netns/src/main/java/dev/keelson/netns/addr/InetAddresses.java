package dev.keelson.netns.addr;

import dev.keelson.linux.Flags;
import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.MessageWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address helpers shared by the address, route and neighbour APIs: the AF_* family of an
 * address, reading and writing addresses as netlink attributes (raw network-order bytes, 4 or 16),
 * and the compact text form iproute2 prints (RFC 5952: {@code fd00::1}, not {@code fd00:0:0:0:0:0:0:1}).
 */
public final class InetAddresses {
    private InetAddresses() {
    }

    /** {@link Flags#AF_INET} or {@link Flags#AF_INET6}. */
    public static int family(InetAddress a) {
        return a instanceof Inet6Address ? Flags.AF_INET6 : Flags.AF_INET;
    }

    /** The address in the current attribute (4 or 16 bytes). */
    public static InetAddress read(AttrCursor a) {
        try {
            return InetAddress.getByAddress(a.bytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("netlink attribute " + a.type() + " is not an IP address ("
                    + a.payloadLength() + " bytes)", e);
        }
    }

    /** Writes {@code a} as attribute {@code type}. */
    public static void put(MessageWriter w, int type, InetAddress a) {
        w.putBytes(type, a.getAddress());
    }

    /** Parses a numeric IPv4 or IPv6 address (never a host name: no DNS lookup happens). */
    public static InetAddress parse(String s) {
        try {
            return InetAddress.ofLiteral(s.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address: \"" + s + "\"", e);
        }
    }

    /** The text form iproute2 uses: dotted quad, or IPv6 with the longest run of zero groups as {@code ::}. */
    public static String format(InetAddress a) {
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestAt = -1;
        int bestLen = 1; // RFC 5952 4.2.2: a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestAt = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestAt) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
