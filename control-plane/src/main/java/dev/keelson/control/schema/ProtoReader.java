package dev.keelson.control.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads protocol buffers wire format from a byte range: keys, varints, fixed-width numbers and
 * length-delimited fields (nested messages are read as sub-ranges, without copying). Malformed
 * input raises {@link IllegalArgumentException}.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int end;

    ProtoReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw malformed("range out of bounds");
        }
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    boolean hasMore() {
        return pos < end;
    }

    /** The next key: {@code (field << 3) | wireType}. */
    int readKey() {
        long key = readVarint();
        if (key >>> 3 == 0 || key > Integer.MAX_VALUE) {
            throw malformed("invalid field key " + key);
        }
        return (int) key;
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw malformed("truncated varint");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    long readFixed64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) (buf[pos++] & 0xff) << (8 * i);
        }
        return v;
    }

    int readFixed32() {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (buf[pos++] & 0xff) << (8 * i);
        }
        return v;
    }

    /** A length-delimited field as a reader over its bytes. */
    ProtoReader readMessage() {
        int len = length();
        ProtoReader sub = new ProtoReader(buf, pos, len);
        pos += len;
        return sub;
    }

    byte[] readBytes() {
        int len = length();
        byte[] b = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return b;
    }

    String readString() {
        int len = length();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> readFixed64();
            case LENGTH_DELIMITED -> {
                int len = length(); // not "pos += length()": that would add to the pre-call pos
                pos += len;
            }
            case FIXED32 -> readFixed32();
            default -> throw malformed("unsupported wire type " + wireType);
        }
    }

    private int length() {
        long len = readVarint();
        if (len < 0 || len > end - pos) {
            throw malformed("length " + len + " exceeds the remaining " + (end - pos) + " bytes");
        }
        return (int) len;
    }

    private void need(int n) {
        if (end - pos < n) {
            throw malformed("truncated fixed-width field");
        }
    }

    static IllegalArgumentException malformed(String why) {
        return new IllegalArgumentException("malformed protobuf body: " + why);
    }
}
