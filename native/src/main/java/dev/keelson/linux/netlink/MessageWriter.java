package dev.keelson.linux.netlink;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.keelson.linux.NativeBuffer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds one or more netlink messages into a growable native buffer, ready to send as one
 * datagram (a batch). Offsets, not slices, are handed out, so building allocates nothing on the
 * heap; offsets stay valid when the buffer grows.
 *
 * <pre>{@code
 * int m = w.begin(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
 * long ifi = w.reserve(IfInfoMsg.SIZE);          // family header, zeroed
 * w.putString(IFLA_IFNAME, "br0");
 * int li = w.beginNested(IFLA_LINKINFO);
 * w.putString(IFLA_INFO_KIND, "bridge");
 * w.endNested(li);
 * w.end(m);                                      // writes nlmsg_len
 * }</pre>
 */
public final class MessageWriter implements AutoCloseable {
    private static final ValueLayout.OfShort BE16 = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE64 = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final NativeBuffer buf;
    private int pos;

    public MessageWriter() {
        this(8192);
    }

    public MessageWriter(int initialCapacity) {
        this.buf = new NativeBuffer(initialCapacity);
    }

    /** Discards everything written. */
    public MessageWriter reset() {
        pos = 0;
        return this;
    }

    /** Bytes written so far. */
    public int length() {
        return pos;
    }

    /** The buffer; valid until the next write that grows it. */
    public MemorySegment segment() {
        return buf.segment();
    }

    /** Starts a message; returns its offset for {@link #end(int)}. The sequence number is set when sent. */
    public int begin(int type, int flags) {
        int start = pos;
        grow(Netlink.HEADER_SIZE);
        NlMsg.writeHeader(buf.segment(), start, 0, type, flags, 0);
        pos += Netlink.HEADER_SIZE;
        return start;
    }

    /** Finishes the message started at {@code start}: sets nlmsg_len. */
    public void end(int start) {
        buf.segment().set(JAVA_INT_UNALIGNED, start, pos - start);
    }

    /** Reserves {@code len} zeroed bytes (a family header) and returns their offset. */
    public long reserve(int len) {
        int a = Netlink.align(len);
        grow(a);
        long at = pos;
        buf.segment().asSlice(at, a).fill((byte) 0);
        pos += a;
        return at;
    }

    public void putU8(int type, int v) {
        long p = attr(type, 1);
        buf.segment().set(JAVA_BYTE, p, (byte) v);
    }

    public void putU16(int type, int v) {
        long p = attr(type, 2);
        buf.segment().set(JAVA_SHORT_UNALIGNED, p, (short) v);
    }

    /** A 16-bit value in network byte order (ports, protocols). */
    public void putU16be(int type, int v) {
        long p = attr(type, 2);
        buf.segment().set(BE16, p, (short) v);
    }

    public void putU32(int type, int v) {
        long p = attr(type, 4);
        buf.segment().set(JAVA_INT_UNALIGNED, p, v);
    }

    /** A 32-bit value in network byte order. */
    public void putU32be(int type, int v) {
        long p = attr(type, 4);
        buf.segment().set(BE32, p, v);
    }

    public void putU64(int type, long v) {
        long p = attr(type, 8);
        buf.segment().set(JAVA_LONG_UNALIGNED, p, v);
    }

    /** A 64-bit value in network byte order (nf_tables timeouts, handles). */
    public void putU64be(int type, long v) {
        long p = attr(type, 8);
        buf.segment().set(BE64, p, v);
    }

    /** A NUL-terminated string. ASCII (every interface and kind name in practice) is written without allocating. */
    public void putString(int type, String s) {
        int n = s.length();
        if (isAscii(s)) {
            long p = attr(type, n + 1);
            MemorySegment seg = buf.segment();
            for (int i = 0; i < n; i++) {
                seg.set(JAVA_BYTE, p + i, (byte) s.charAt(i));
            }
            seg.set(JAVA_BYTE, p + n, (byte) 0);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        long p = attr(type, b.length + 1);
        MemorySegment.copy(b, 0, buf.segment(), JAVA_BYTE, p, b.length);
        buf.segment().set(JAVA_BYTE, p + b.length, (byte) 0);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    public void putBytes(int type, byte[] b) {
        long p = attr(type, b.length);
        MemorySegment.copy(b, 0, buf.segment(), JAVA_BYTE, p, b.length);
    }

    /** An attribute without payload (a flag). */
    public void putFlag(int type) {
        attr(type, 0);
    }

    /** Opens a nested attribute; returns its offset for {@link #endNested(int)}. */
    public int beginNested(int type) {
        int start = pos;
        attr(type | Netlink.NLA_F_NESTED, 0);
        return start;
    }

    public void endNested(int start) {
        buf.segment().set(JAVA_SHORT_UNALIGNED, start, (short) (pos - start));
    }

    /** Writes an attribute header and reserves an aligned, zero-padded payload; returns the payload offset. */
    private long attr(int type, int len) {
        int total = Netlink.ATTR_HEADER_SIZE + len;
        int a = Netlink.align(total);
        grow(a);
        MemorySegment s = buf.segment();
        s.set(JAVA_SHORT_UNALIGNED, pos, (short) total);
        s.set(JAVA_SHORT_UNALIGNED, pos + 2, (short) type);
        if (a != total) {
            s.asSlice(pos + total, a - total).fill((byte) 0);
        }
        long payload = pos + Netlink.ATTR_HEADER_SIZE;
        pos += a;
        return payload;
    }

    private void grow(int more) {
        buf.ensure((long) pos + more, pos);
    }

    @Override
    public void close() {
        buf.close();
    }
}
