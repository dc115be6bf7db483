package dev.keelson.linux.rtnetlink;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over {@code struct ifinfomsg}, the family header of RTM_*LINK messages.
 *
 * <pre>
 *  0        1        2                4                 8                 12                16
 *  +--------+--------+----------------+-----------------+-----------------+-----------------+
 *  | family |  pad   |  type (ARPHRD) |  index (s32)    |  flags (IFF_*)  |  change mask    |
 *  +--------+--------+----------------+-----------------+-----------------+-----------------+
 * </pre>
 */
public final class IfInfoMsg {
    public static final int SIZE = 16;

    private MemorySegment seg;
    private long off;

    public IfInfoMsg wrap(MemorySegment segment, long offset) {
        this.seg = segment;
        this.off = offset;
        return this;
    }

    public int family() {
        return Byte.toUnsignedInt(seg.get(JAVA_BYTE, off));
    }

    public IfInfoMsg family(int v) {
        seg.set(JAVA_BYTE, off, (byte) v);
        return this;
    }

    /** The ARPHRD_* hardware type. */
    public int type() {
        return Short.toUnsignedInt(seg.get(JAVA_SHORT_UNALIGNED, off + 2));
    }

    public int index() {
        return seg.get(JAVA_INT_UNALIGNED, off + 4);
    }

    public IfInfoMsg index(int v) {
        seg.set(JAVA_INT_UNALIGNED, off + 4, v);
        return this;
    }

    public int flags() {
        return seg.get(JAVA_INT_UNALIGNED, off + 8);
    }

    public IfInfoMsg flags(int v) {
        seg.set(JAVA_INT_UNALIGNED, off + 8, v);
        return this;
    }

    public int change() {
        return seg.get(JAVA_INT_UNALIGNED, off + 12);
    }

    public IfInfoMsg change(int v) {
        seg.set(JAVA_INT_UNALIGNED, off + 12, v);
        return this;
    }
}
