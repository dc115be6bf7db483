package dev.keelson.linux.rtnetlink;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over {@code struct ndmsg} (linux/neighbour.h), the family header of RTM_*NEIGH messages
 * (ARP/NDP entries with family AF_INET/AF_INET6, bridge FDB entries with family AF_BRIDGE).
 *
 * <pre>
 *  0        1        2                4                  8                10       11       12
 *  +--------+--------+----------------+------------------+----------------+--------+--------+
 *  | family | pad    | pad (u16)      | ifindex (s32)    | state (NUD_*)  | flags  | type   |
 *  +--------+--------+----------------+------------------+----------------+--------+--------+
 *  state is a u16 of NUD_* bits, flags are NTF_* bits, type is an RTN_* value.
 * </pre>
 */
public final class NdMsg {
    public static final int SIZE = 12;

    private MemorySegment seg;
    private long off;

    public NdMsg wrap(MemorySegment segment, long offset) {
        this.seg = segment;
        this.off = offset;
        return this;
    }

    public int family() {
        return Byte.toUnsignedInt(seg.get(JAVA_BYTE, off));
    }

    public NdMsg family(int v) {
        seg.set(JAVA_BYTE, off, (byte) v);
        return this;
    }

    public int ifindex() {
        return seg.get(JAVA_INT_UNALIGNED, off + 4);
    }

    public NdMsg ifindex(int v) {
        seg.set(JAVA_INT_UNALIGNED, off + 4, v);
        return this;
    }

    /** NUD_* state bits. */
    public int state() {
        return Short.toUnsignedInt(seg.get(JAVA_SHORT_UNALIGNED, off + 8));
    }

    public NdMsg state(int v) {
        seg.set(JAVA_SHORT_UNALIGNED, off + 8, (short) v);
        return this;
    }

    /** NTF_* flags. */
    public int flags() {
        return Byte.toUnsignedInt(seg.get(JAVA_BYTE, off + 10));
    }

    public NdMsg flags(int v) {
        seg.set(JAVA_BYTE, off + 10, (byte) v);
        return this;
    }

    public int type() {
        return Byte.toUnsignedInt(seg.get(JAVA_BYTE, off + 11));
    }

    public NdMsg type(int v) {
        seg.set(JAVA_BYTE, off + 11, (byte) v);
        return this;
    }
}
