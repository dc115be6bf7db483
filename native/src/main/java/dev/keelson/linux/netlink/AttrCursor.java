package dev.keelson.linux.netlink;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Flyweight cursor over a run of netlink attributes (TLVs). Iterate with {@link #next()}; read the
 * current attribute with the typed getters; descend with {@link #nested(AttrCursor)}. Nothing is
 * allocated unless a getter returns an object ({@link #string()}, {@link #bytes()}).
 *
 * <pre>
 *  0       2       4
 *  +-------+-------+--------------------------+- - - -+
 *  |nla_len|nla_typ| payload (nla_len - 4)    | pad   |  next attribute at NLA_ALIGN(nla_len)
 *  +-------+-------+--------------------------+- - - -+
 *  nla_type bit 15 = NLA_F_NESTED, bit 14 = NLA_F_NET_BYTEORDER
 * </pre>
 *
 * Malformed input (a length that runs past the end, or below the header size) ends iteration
 * rather than reading outside the run.
 */
public final class AttrCursor {
    private static final ValueLayout.OfShort BE16 = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private MemorySegment seg;
    private long next;
    private long end;
    private long cur = -1;
    private int rawType;
    private int len;

    /** Positions the cursor before the first attribute in {@code [start, end)}. */
    public AttrCursor wrap(MemorySegment segment, long start, long end) {
        this.seg = segment;
        this.next = start;
        this.end = Math.min(end, segment.byteSize());
        this.cur = -1;
        return this;
    }

    /** Advances to the next attribute; false at the end of the run. */
    public boolean next() {
        if (next + Netlink.ATTR_HEADER_SIZE > end) {
            return false;
        }
        int l = Short.toUnsignedInt(seg.get(JAVA_SHORT_UNALIGNED, next));
        if (l < Netlink.ATTR_HEADER_SIZE || next + l > end) {
            return false;
        }
        cur = next;
        len = l;
        rawType = Short.toUnsignedInt(seg.get(JAVA_SHORT_UNALIGNED, next + 2));
        next += Netlink.align(l);
        return true;
    }

    /** Moves to the first attribute of {@code type} from the current position; false if none. */
    public boolean find(int type) {
        while (next()) {
            if (type() == type) {
                return true;
            }
        }
        return false;
    }

    /** The attribute type without the NESTED/NET_BYTEORDER bits. */
    public int type() {
        return rawType & Netlink.NLA_TYPE_MASK;
    }

    public boolean isNested() {
        return (rawType & Netlink.NLA_F_NESTED) != 0;
    }

    /** Offset of the payload in the segment. */
    public long payloadOffset() {
        return cur + Netlink.ATTR_HEADER_SIZE;
    }

    public int payloadLength() {
        return len - Netlink.ATTR_HEADER_SIZE;
    }

    public MemorySegment segment() {
        return seg;
    }

    public int u8() {
        need(1);
        return Byte.toUnsignedInt(seg.get(JAVA_BYTE, payloadOffset()));
    }

    public int u16() {
        need(2);
        return Short.toUnsignedInt(seg.get(JAVA_SHORT_UNALIGNED, payloadOffset()));
    }

    /** A 16-bit value in network byte order (ports). */
    public int u16be() {
        need(2);
        return Short.toUnsignedInt(seg.get(BE16, payloadOffset()));
    }

    public int u32() {
        need(4);
        return seg.get(JAVA_INT_UNALIGNED, payloadOffset());
    }

    /** A 32-bit value in network byte order. */
    public int u32be() {
        need(4);
        return seg.get(BE32, payloadOffset());
    }

    public long u64() {
        need(8);
        return seg.get(JAVA_LONG_UNALIGNED, payloadOffset());
    }

    /** A NUL-terminated (or unterminated) string payload. */
    public String string() {
        int n = payloadLength();
        long p = payloadOffset();
        int l = 0;
        while (l < n && seg.get(JAVA_BYTE, p + l) != 0) {
            l++;
        }
        byte[] b = new byte[l];
        MemorySegment.copy(seg, JAVA_BYTE, p, b, 0, l);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Compares a string payload with {@code s}, without allocating for ASCII names. */
    public boolean stringEquals(String s) {
        int n = payloadLength();
        long p = payloadOffset();
        int l = s.length();
        if (l > n) {
            return false;
        }
        for (int i = 0; i < l; i++) {
            char c = s.charAt(i);
            if (c > 0x7f) {
                return s.equals(string());
            }
            if (seg.get(JAVA_BYTE, p + i) != (byte) c) {
                return false;
            }
        }
        return l == n || seg.get(JAVA_BYTE, p + l) == 0;
    }

    public byte[] bytes() {
        byte[] b = new byte[payloadLength()];
        MemorySegment.copy(seg, JAVA_BYTE, payloadOffset(), b, 0, b.length);
        return b;
    }

    /** Positions {@code inner} on the attributes nested in the current one. */
    public AttrCursor nested(AttrCursor inner) {
        return inner.wrap(seg, payloadOffset(), cur + len);
    }

    private void need(int n) {
        if (payloadLength() < n) {
            throw new IllegalStateException("netlink attribute " + type() + " has " + payloadLength()
                    + " bytes, expected at least " + n);
        }
    }
}
