package dev.keelson.cni.ipam.hostlocal;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Address arithmetic and text forms as the reference (Go's {@code net.IP}) has them, because file
 * names under the data directory are the Go text form: IPv4 dotted quad, IPv6 in the RFC 5952
 * compressed form ({@code fd00::2}), IPv4-mapped IPv6 addresses folded to IPv4.
 */
final class Ips {
    private static final Pattern V4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern V6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private Ips() {
    }

    /**
     * Parses an address literal, never a host name (so no DNS lookup can happen), or returns null
     * when {@code text} is not one. IPv4-mapped IPv6 literals come back as IPv4, as Go's
     * {@code To4()} canonicalisation does.
     */
    static InetAddress parse(String text) {
        try {
            if (V4.matcher(text).matches()) {
                return InetAddress.getByName(text);
            }
            if (text.indexOf(':') >= 0 && V6_CHARS.matcher(text).matches()) {
                return InetAddress.getByName(text);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }

    /** Go's text form of an address. */
    static String format(InetAddress a) {
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        int bestStart = -1;
        int bestEnd = -1;
        for (int i = 0; i < 16; i += 2) {
            int j = i;
            while (j < 16 && b[j] == 0 && b[j + 1] == 0) {
                j += 2;
            }
            if (j > i && j - i > bestEnd - bestStart) {
                bestStart = i;
                bestEnd = j;
                i = j;
            }
        }
        // RFC 5952 4.2.2: "::" never stands for a single zero group.
        if (bestEnd - bestStart <= 2) {
            bestStart = bestEnd = -1;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            if (i == bestStart) {
                s.append("::");
                i = bestEnd;
                if (i >= 16) {
                    break;
                }
            } else if (i > 0) {
                s.append(':');
            }
            s.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff)));
        }
        return s.toString();
    }

    /** Address width in bits: 32 or 128. */
    static int bits(InetAddress a) {
        return a.getAddress().length * 8;
    }

    static boolean sameFamily(InetAddress a, InetAddress b) {
        return a.getAddress().length == b.getAddress().length;
    }

    /** Unsigned comparison of two addresses of the same family. */
    static int compare(InetAddress a, InetAddress b) {
        return Arrays.compareUnsigned(a.getAddress(), b.getAddress());
    }

    /** {@link #compare}, ordering IPv4 before IPv6. */
    static int compare0(InetAddress a, InetAddress b) {
        int f = Integer.compare(a.getAddress().length, b.getAddress().length);
        return f != 0 ? f : compare(a, b);
    }

    /** The next address, wrapping to all-zeros after all-ones as Go's {@code ip.NextIP} does. */
    static InetAddress next(InetAddress a) {
        byte[] b = a.getAddress();
        for (int i = b.length - 1; i >= 0; i--) {
            if (++b[i] != 0) {
                break;
            }
        }
        return of(b);
    }

    /** {@code a} with host bits cleared for the given prefix length. */
    static InetAddress network(InetAddress a, int prefix) {
        byte[] b = a.getAddress();
        for (int i = 0; i < b.length; i++) {
            b[i] &= (byte) mask(i, prefix);
        }
        return of(b);
    }

    /** The all-ones host address of the subnet (the IPv4 broadcast). */
    static InetAddress broadcast(InetAddress a, int prefix) {
        byte[] b = a.getAddress();
        for (int i = 0; i < b.length; i++) {
            b[i] |= (byte) ~mask(i, prefix);
        }
        return of(b);
    }

    /** Whether {@code a} lies in {@code net/prefix}. */
    static boolean inSubnet(InetAddress a, InetAddress net, int prefix) {
        return sameFamily(a, net) && network(a, prefix).equals(network(net, prefix));
    }

    /** The number of addresses from {@code lo} to {@code hi}, both included. */
    static BigInteger span(InetAddress lo, InetAddress hi) {
        return new BigInteger(1, hi.getAddress()).subtract(new BigInteger(1, lo.getAddress())).add(BigInteger.ONE);
    }

    static InetAddress of(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address of " + b.length + " bytes", e);
        }
    }

    private static int mask(int byteIndex, int prefix) {
        int ones = Math.clamp(prefix - byteIndex * 8L, 0, 8);
        return (0xff00 >> ones) & 0xff;
    }
}
