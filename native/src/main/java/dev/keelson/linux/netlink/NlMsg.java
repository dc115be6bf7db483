package dev.keelson.linux.netlink;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over one netlink message header in a buffer. {@link #wrap} re-points it, so one
 * instance can walk a whole dump without allocating.
 *
 * <pre>
 *  0               4       6       8               12              16
 *  +---------------+-------+-------+---------------+---------------+------------------
 *  |  nlmsg_len    | type  | flags |   nlmsg_seq   |   nlmsg_pid   | payload ...
 *  +---------------+-------+-------+---------------+---------------+------------------
 *  nlmsg_len counts the header; the next message starts at NLMSG_ALIGN(nlmsg_len).
 * </pre>
 */
public final class NlMsg {
    private MemorySegment seg;
    private long off;

    /** Points this flyweight at the message starting at {@code offset}. */
    public NlMsg wrap(MemorySegment segment, long offset) {
        this.seg = segment;
        this.off = offset;
        return this;
    }

    public MemorySegment segment() {
        return seg;
    }

    public long offset() {
        return off;
    }

    public int length() {
        return seg.get(JAVA_INT_UNALIGNED, off);
    }

    public int type() {
        return Short.toUnsignedInt(seg.get(JAVA_SHORT_UNALIGNED, off + 4));
    }

    public int flags() {
        return Short.toUnsignedInt(seg.get(JAVA_SHORT_UNALIGNED, off + 6));
    }

    public int seq() {
        return seg.get(JAVA_INT_UNALIGNED, off + 8);
    }

    public int pid() {
        return seg.get(JAVA_INT_UNALIGNED, off + 12);
    }

    /** Offset of the first payload byte (the family header, e.g. struct ifinfomsg). */
    public long payload() {
        return off + Netlink.HEADER_SIZE;
    }

    /** Offset one past this message's last byte. */
    public long end() {
        return off + length();
    }

    /** Positions {@code attrs} on the attributes that follow a family header of {@code familyHeaderSize} bytes. */
    public AttrCursor attributes(int familyHeaderSize, AttrCursor attrs) {
        return attrs.wrap(seg, payload() + Netlink.align(familyHeaderSize), end());
    }

    static void writeHeader(MemorySegment seg, long off, int len, int type, int flags, int seq) {
        seg.set(JAVA_INT_UNALIGNED, off, len);
        seg.set(JAVA_SHORT_UNALIGNED, off + 4, (short) type);
        seg.set(JAVA_SHORT_UNALIGNED, off + 6, (short) flags);
        seg.set(JAVA_INT_UNALIGNED, off + 8, seq);
        seg.set(JAVA_INT_UNALIGNED, off + 12, 0);
    }
}
