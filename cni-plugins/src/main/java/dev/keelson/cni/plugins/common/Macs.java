package dev.keelson.cni.plugins.common;

import dev.keelson.cni.spec.CniException;
import dev.keelson.netns.link.MacAddress;
import java.util.HexFormat;

/**
 * Requested MAC addresses of container interfaces ({@code mac} in runtimeConfig, config args or
 * {@code CNI_ARGS}): parsed in the 6-byte forms Go's {@code net.ParseMAC} accepts, and checked to
 * be usable on an Ethernet link, so that a bad value is refused before anything is created.
 */
public final class Macs {
    private Macs() {
    }

    /**
     * Parses {@code aa:bb:cc:dd:ee:ff}, {@code aa-bb-cc-dd-ee-ff} or {@code aabb.ccdd.eeff}
     * (either case) and requires a unicast, non-zero address: the kernel refuses the others on a
     * veth with EADDRNOTAVAIL (linux/etherdevice.h {@code is_valid_ether_addr}). Anything else is
     * {@code code}, with a message naming {@code source} and saying what is wrong.
     */
    public static MacAddress parseUnicast(String text, String source, int code) {
        byte[] b = parse(text);
        if (b == null) {
            throw new CniException(code, source + " \"" + text + "\" is not a MAC address (expected 6 bytes such as"
                    + " 0a:58:0a:16:00:02)");
        }
        if ((b[0] & 1) != 0) {
            throw new CniException(code, source + " \"" + text + "\" is a multicast MAC address; a container"
                    + " interface needs a unicast one (lowest bit of the first byte clear)");
        }
        boolean zero = true;
        for (byte x : b) {
            zero &= x == 0;
        }
        if (zero) {
            throw new CniException(code, source + " \"" + text + "\" is the all-zero MAC address, which no interface"
                    + " may have");
        }
        return MacAddress.of(b);
    }

    private static byte[] parse(String s) {
        String hex = null;
        if (s.length() == 17 && (s.charAt(2) == ':' || s.charAt(2) == '-')) {
            char sep = s.charAt(2);
            StringBuilder sb = new StringBuilder(12);
            for (int i = 0; i < 17; i++) {
                if (i % 3 == 2) {
                    if (s.charAt(i) != sep) {
                        return null;
                    }
                } else {
                    sb.append(s.charAt(i));
                }
            }
            hex = sb.toString();
        } else if (s.length() == 14 && s.charAt(4) == '.' && s.charAt(9) == '.') {
            hex = s.substring(0, 4) + s.substring(5, 9) + s.substring(10);
        }
        if (hex == null || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return null;
        }
        return HexFormat.of().parseHex(hex);
    }
}
