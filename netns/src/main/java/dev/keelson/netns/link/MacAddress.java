package dev.keelson.netns.link;

import dev.keelson.linux.netlink.AttrCursor;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A link-layer (hardware) address as the kernel reports it in IFLA_ADDRESS / IFLA_BROADCAST of a
 * link and NDA_LLADDR of a neighbour or bridge FDB entry: six bytes for Ethernet-like links, other
 * lengths (at most MAX_ADDR_LEN, 32) for some tunnels. Printed and parsed as {@code ip} does:
 * lower-case hex bytes separated by colons ({@code 02:42:ac:11:00:02}).
 */
public final class MacAddress {
    private static final HexFormat HEX = HexFormat.ofDelimiter(":");
    private final byte[] bytes;

    private MacAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (any length of colon-separated hex bytes, 1 to 32; either case). */
    public static MacAddress parse(String s) {
        byte[] b;
        try {
            b = HEX.parseHex(s.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a MAC address: \"" + s + "\"", e);
        }
        return of(b);
    }

    /** The address with these bytes (copied). */
    public static MacAddress of(byte[] bytes) {
        if (bytes.length == 0 || bytes.length > 32) {
            throw new IllegalArgumentException("a hardware address has 1 to 32 bytes, not " + bytes.length);
        }
        return new MacAddress(bytes.clone());
    }

    /**
     * The address in the current attribute (IFLA_ADDRESS, NDA_LLADDR...), or null when its payload is
     * empty (an unresolved neighbour) or longer than any hardware address.
     */
    public static MacAddress read(AttrCursor a) {
        int n = a.payloadLength();
        return n == 0 || n > 32 ? null : new MacAddress(a.bytes());
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Number of bytes (6 for Ethernet). */
    public int length() {
        return bytes.length;
    }

    /** True for a locally administered unicast Ethernet address, the kind to generate for veths. */
    public boolean isLocalUnicast() {
        return (bytes[0] & 0x03) == 0x02;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HEX.formatHex(bytes);
    }
}
