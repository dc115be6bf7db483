package dev.keelson.linux.rtnetlink;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over {@code struct ifaddrmsg} (linux/if_addr.h), the family header of RTM_*ADDR messages.
 *
 * <pre>
 *  0        1           2          3          4                  8
 *  +--------+-----------+----------+----------+------------------+
 *  | family | prefixlen | flags u8 | scope    |  index (u32)     |
 *  +--------+-----------+----------+----------+------------------+
 *  flags holds only the low 8 IFA_F_* bits; the IFA_FLAGS attribute (u32) carries all of them.
 * </pre>
 */
public final class IfAddrMsg {
    public static final int SIZE = 8;

    private MemorySegment seg;
    private long off;

    public IfAddrMsg wrap(MemorySegment segment, long offset) {
        this.seg = segment;
        this.off = offset;
        return this;
    }

    public int family() {
        return u8(0);
    }

    public IfAddrMsg family(int v) {
        return u8(0, v);
    }

    public int prefixLength() {
        return u8(1);
    }

    public IfAddrMsg prefixLength(int v) {
        return u8(1, v);
    }

    /** The low 8 bits of the IFA_F_* flags. */
    public int flags() {
        return u8(2);
    }

    public IfAddrMsg flags(int v) {
        return u8(2, v);
    }

    /** The RT_SCOPE_* value. */
    public int scope() {
        return u8(3);
    }

    public IfAddrMsg scope(int v) {
        return u8(3, v);
    }

    public int index() {
        return seg.get(JAVA_INT_UNALIGNED, off + 4);
    }

    public IfAddrMsg index(int v) {
        seg.set(JAVA_INT_UNALIGNED, off + 4, v);
        return this;
    }

    private int u8(int at) {
        return Byte.toUnsignedInt(seg.get(JAVA_BYTE, off + at));
    }

    private IfAddrMsg u8(int at, int v) {
        seg.set(JAVA_BYTE, off + at, (byte) v);
        return this;
    }
}
