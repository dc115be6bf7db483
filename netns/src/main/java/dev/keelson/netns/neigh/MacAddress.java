package dev.keelson.netns.neigh;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A link-layer address (NDA_LLADDR), usually a 6-byte Ethernet MAC, written {@code 02:42:ac:11:00:02}.
 * Other lengths are kept as the kernel gives them (e.g. 4 bytes for an IPv4 tunnel).
 *
 * @param bytes the address in transmission order (copied in and out)
 */
public record MacAddress(byte[] bytes) {
    private static final HexFormat HEX = HexFormat.ofDelimiter(":");

    public MacAddress {
        if (bytes.length == 0 || bytes.length > 32) {
            throw new IllegalArgumentException("a link-layer address is 1-32 bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** Parses colon-separated hex, e.g. {@code "02:00:00:00:00:0a"}. */
    public static MacAddress parse(String s) {
        try {
            return new MacAddress(HEX.parseHex(s.strip().toLowerCase()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a link-layer address: \"" + s + "\"", e);
        }
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Lower-case hex with colons, as iproute2 prints it. */
    @Override
    public String toString() {
        return HEX.formatHex(bytes);
    }
}
