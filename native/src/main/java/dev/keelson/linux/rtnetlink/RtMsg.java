package dev.keelson.linux.rtnetlink;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over {@code struct rtmsg} (linux/rtnetlink.h), the family header of RTM_*ROUTE messages.
 *
 * <pre>
 *  0        1         2         3        4        5          6        7        8                 12
 *  +--------+---------+---------+--------+--------+----------+--------+--------+-----------------+
 *  | family | dst_len | src_len | tos    | table  | protocol | scope  | type   | flags (u32)     |
 *  +--------+---------+---------+--------+--------+----------+--------+--------+-----------------+
 *  table is 8 bits: ids above 255 go in the RTA_TABLE attribute (u32), with table = RT_TABLE_UNSPEC.
 *  flags: RTM_F_* and, for a single-path route, RTNH_F_* (e.g. RTNH_F_ONLINK).
 * </pre>
 */
public final class RtMsg {
    public static final int SIZE = 12;

    private MemorySegment seg;
    private long off;

    public RtMsg wrap(MemorySegment segment, long offset) {
        this.seg = segment;
        this.off = offset;
        return this;
    }

    public int family() {
        return u8(0);
    }

    public RtMsg family(int v) {
        return u8(0, v);
    }

    public int dstLength() {
        return u8(1);
    }

    public RtMsg dstLength(int v) {
        return u8(1, v);
    }

    public int srcLength() {
        return u8(2);
    }

    public RtMsg srcLength(int v) {
        return u8(2, v);
    }

    public int tos() {
        return u8(3);
    }

    public RtMsg tos(int v) {
        return u8(3, v);
    }

    public int table() {
        return u8(4);
    }

    public RtMsg table(int v) {
        return u8(4, v);
    }

    /** The RTPROT_* value. */
    public int protocol() {
        return u8(5);
    }

    public RtMsg protocol(int v) {
        return u8(5, v);
    }

    /** The RT_SCOPE_* value. */
    public int scope() {
        return u8(6);
    }

    public RtMsg scope(int v) {
        return u8(6, v);
    }

    /** The RTN_* value. */
    public int type() {
        return u8(7);
    }

    public RtMsg type(int v) {
        return u8(7, v);
    }

    public int flags() {
        return seg.get(JAVA_INT_UNALIGNED, off + 8);
    }

    public RtMsg flags(int v) {
        seg.set(JAVA_INT_UNALIGNED, off + 8, v);
        return this;
    }

    private int u8(int at) {
        return Byte.toUnsignedInt(seg.get(JAVA_BYTE, off + at));
    }

    private RtMsg u8(int at, int v) {
        seg.set(JAVA_BYTE, off + at, (byte) v);
        return this;
    }
}
