package dev.keelson.cni.ipam.hostlocal;

import java.net.InetAddress;

/**
 * An address with a prefix length, as written in a config ({@code 10.1.2.0/24}). The address keeps
 * any host bits it was written with, so validation can reject them like the reference does.
 *
 * @param address the address as written
 * @param prefixLength the prefix length, 0 to 32 or 0 to 128
 */
public record Cidr(InetAddress address, int prefixLength) {

    /**
     * Parses {@code addr/len}; null when the text is not one (the caller names the field).
     * A {@code ::ffff:a.b.c.d/len} literal keeps its 128-bit prefix against a 32-bit address, which
     * the range check then reports as a version mismatch, as the reference does.
     */
    static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String addrText = text.substring(0, slash);
        InetAddress a = Ips.parse(addrText);
        String len = text.substring(slash + 1);
        if (a == null || len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int bits = addrText.indexOf(':') >= 0 ? 128 : 32;
        int prefix = Integer.parseInt(len);
        return prefix > bits ? null : new Cidr(a, prefix);
    }

    /** Whether the prefix was written for a different family than the address (mapped IPv4). */
    boolean familyMismatch() {
        return prefixLength > Ips.bits(address);
    }

    @Override
    public String toString() {
        return Ips.format(address) + "/" + prefixLength;
    }
}
