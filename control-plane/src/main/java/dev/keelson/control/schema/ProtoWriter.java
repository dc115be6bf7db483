package dev.keelson.control.schema;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes protocol buffers wire format: each field is a key {@code (number << 3) | wireType}
 * followed by a varint (type 0), 8 little-endian bytes (type 1) or a varint length and the bytes
 * (type 2). Nested messages are written into their own writer and embedded as bytes.
 */
final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter string(int field, String value) {
        if (value != null) {
            bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }
        return this;
    }

    ProtoWriter bytes(int field, byte[] value) {
        key(field, 2);
        varint(value.length);
        out.writeBytes(value);
        return this;
    }

    ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    ProtoWriter bool(int field, boolean value) {
        if (value) {
            key(field, 0);
            varint(1);
        }
        return this;
    }

    ProtoWriter int64(int field, long value) {
        key(field, 0);
        varint(value);
        return this;
    }

    ProtoWriter fixed64(int field, long value) {
        key(field, 1);
        for (int i = 0; i < 8; i++) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void key(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    private void varint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
