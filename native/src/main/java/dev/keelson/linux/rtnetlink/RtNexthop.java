package dev.keelson.linux.rtnetlink;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over {@code struct rtnexthop} (linux/rtnetlink.h): one path of an RTA_MULTIPATH
 * attribute, which is an array of these, each followed by its own attributes (RTA_GATEWAY...).
 *
 * <pre>
 *  0                2         3         4                  8
 *  +----------------+---------+---------+------------------+- - - - - - - - - - - -+
 *  | len (u16)      | flags   | hops    | ifindex (s32)    | RTA_* attributes       |
 *  +----------------+---------+---------+------------------+- - - - - - - - - - - -+
 *  len counts the header and its attributes; the next one starts at RTNH_ALIGN(len) (4 bytes).
 *  hops is the weight minus one. flags are RTNH_F_* (ONLINK, DEAD, LINKDOWN...).
 * </pre>
 */
public final class RtNexthop {
    public static final int SIZE = 8;

    private MemorySegment seg;
    private long off;

    public RtNexthop wrap(MemorySegment segment, long offset) {
        this.seg = segment;
        this.off = offset;
        return this;
    }

    public int length() {
        return Short.toUnsignedInt(seg.get(JAVA_SHORT_UNALIGNED, off));
    }

    public RtNexthop length(int v) {
        seg.set(JAVA_SHORT_UNALIGNED, off, (short) v);
        return this;
    }

    public int flags() {
        return Byte.toUnsignedInt(seg.get(JAVA_BYTE, off + 2));
    }

    public RtNexthop flags(int v) {
        seg.set(JAVA_BYTE, off + 2, (byte) v);
        return this;
    }

    /** rtnh_hops: the path's weight minus one. */
    public int hops() {
        return Byte.toUnsignedInt(seg.get(JAVA_BYTE, off + 3));
    }

    public RtNexthop hops(int v) {
        seg.set(JAVA_BYTE, off + 3, (byte) v);
        return this;
    }

    public int ifindex() {
        return seg.get(JAVA_INT_UNALIGNED, off + 4);
    }

    public RtNexthop ifindex(int v) {
        seg.set(JAVA_INT_UNALIGNED, off + 4, v);
        return this;
    }
}
