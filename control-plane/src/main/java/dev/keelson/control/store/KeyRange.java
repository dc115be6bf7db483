package dev.keelson.control.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys as the stores compare them: UTF-8 bytes in unsigned byte order (etcd's order, and SQLite's
 * for BLOBs), so both implementations list keys in the same order whatever characters they hold.
 *
 * <pre>
 *   prefix "/registry/pods/"   → [ "/registry/pods/" , "/registry/pods0" )
 *   startAfter "/registry/pods/a" → lower bound "/registry/pods/a\0" (the next possible key)
 * </pre>
 */
public final class KeyRange {
    private KeyRange() {
    }

    /** The key's bytes; a store key is never empty. */
    public static byte[] bytes(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a store key must not be empty");
        }
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The first key past every key that starts with {@code prefix}, or null when there is none
     * (empty prefix): the prefix with its last byte below 0xFF incremented and the rest cut off.
     */
    public static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }

    /**
     * The smallest key a range over {@code prefix} that continues after {@code startAfter} may
     * return: {@code startAfter + "\0"} when that lies inside or past the prefix, else the prefix.
     */
    public static byte[] lowerBound(String prefix, String startAfter) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        if (startAfter == null || startAfter.isEmpty()) {
            return p;
        }
        byte[] s = startAfter.getBytes(StandardCharsets.UTF_8);
        byte[] next = Arrays.copyOf(s, s.length + 1);
        return Arrays.compareUnsigned(next, p) > 0 ? next : p;
    }

    /** The key for these bytes. */
    public static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
