package dev.keelson.cri.stream;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00, with 3.1's session WINDOW_UPDATE) as the
 * Kubernetes streaming clients use it: frames in and out of one upgraded connection.
 *
 * <pre>
 *  control frame                              data frame
 *  |1| version (15) = 3 | type (16)    |      |0| stream id (31)                |
 *  | flags (8) | length (24)           |      | flags (8) | length (24)       |
 *  | payload ...                       |      | data ...                      |
 *
 *  SYN_STREAM (1): |X| stream id | |X| associated id | pri (3), unused (5), slot (8) | header block
 *  SYN_REPLY (2), HEADERS (8): |X| stream id | header block     RST_STREAM (3): stream id, status
 *  SETTINGS (4), PING (6): id, GOAWAY (7): last stream id, status, WINDOW_UPDATE (9): stream id, delta
 *  flags: FIN 0x01 (last frame of this side), UNIDIRECTIONAL 0x02 (SYN_STREAM)
 * </pre>
 *
 * A header block is {@code count (32)} then per pair {@code len (32), name, len (32), value}
 * (several values joined by NUL), compressed by one zlib stream per direction for the whole
 * connection, seeded with {@link SpdyDictionary} and sync-flushed after each block.
 */
final class SpdyFrames {
    static final int SYN_STREAM = 1;
    static final int SYN_REPLY = 2;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int PING = 6;
    static final int GOAWAY = 7;
    static final int HEADERS = 8;
    static final int WINDOW_UPDATE = 9;
    static final int FLAG_FIN = 0x01;
    /** RST_STREAM status codes. */
    static final int PROTOCOL_ERROR = 1;
    static final int REFUSED_STREAM = 3;
    private static final int VERSION = 3;
    /** Frames larger than this are refused (the clients send at most 32 KiB of data per frame). */
    private static final int MAX_FRAME = 1 << 20;

    /** One frame read: control frames keep their raw payload; headers are decoded on demand. */
    record Frame(boolean control, int type, int streamId, int flags, byte[] payload) {
        boolean fin() {
            return (flags & FLAG_FIN) != 0;
        }
    }

    private final DataInputStream in;
    private final OutputStream out;
    private final Inflater inflater = new Inflater();
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);

    SpdyFrames(InputStream in, OutputStream out) {
        this.in = new DataInputStream(in);
        this.out = out;
        deflater.setDictionary(SpdyDictionary.bytes());
    }

    /** The next frame; {@link EOFException} at the end of the connection. */
    Frame read() throws IOException {
        int w0 = in.readInt();
        int w1 = in.readInt();
        int flags = w1 >>> 24;
        int len = w1 & 0xFFFFFF;
        if (len > MAX_FRAME) {
            throw new IOException("SPDY frame of " + len + " bytes is larger than " + MAX_FRAME);
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        if (w0 < 0) {
            int version = (w0 >>> 16) & 0x7FFF;
            if (version != VERSION) {
                throw new IOException("SPDY version " + version + " is not supported (only 3)");
            }
            int type = w0 & 0xFFFF;
            int stream = len >= 4 && type != SETTINGS && type != PING ? ByteBuffer.wrap(payload).getInt() & 0x7FFFFFFF : 0;
            return new Frame(true, type, stream, flags, payload);
        }
        return new Frame(false, 0, w0, flags, payload);
    }

    /** The header block of a SYN_STREAM, SYN_REPLY or HEADERS frame; names in lower case. */
    Map<String, List<String>> headers(Frame f) throws IOException {
        int skip = f.type() == SYN_STREAM ? 10 : 4;
        if (f.payload().length < skip) {
            throw new IOException("SPDY control frame " + f.type() + " too short");
        }
        ByteBuffer b = ByteBuffer.wrap(inflate(f.payload(), skip));
        Map<String, List<String>> h = new LinkedHashMap<>();
        try {
            int count = b.getInt();
            for (int i = 0; i < count; i++) {
                String name = string(b).toLowerCase(Locale.ROOT);
                h.put(name, List.of(string(b).split("\0", -1)));
            }
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException("malformed SPDY header block", e);
        }
        return h;
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private byte[] inflate(byte[] data, int off) throws IOException {
        inflater.setInput(data, off, data.length - off);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            while (true) {
                int n = inflater.inflate(buf);
                if (n == 0 && inflater.needsDictionary()) {
                    inflater.setDictionary(SpdyDictionary.bytes());
                    continue;
                }
                o.write(buf, 0, n);
                if (n == 0 && (inflater.needsInput() || inflater.finished())) {
                    break;
                }
                if (o.size() > MAX_FRAME) {
                    throw new IOException("SPDY header block inflates beyond " + MAX_FRAME + " bytes");
                }
            }
        } catch (DataFormatException e) {
            throw new IOException("corrupt SPDY header block: " + e.getMessage(), e);
        }
        return o.toByteArray();
    }

    private byte[] deflate(Map<String, String> headers) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        writeInt(raw, headers.size());
        headers.forEach((k, v) -> {
            for (String s : new String[] {k.toLowerCase(Locale.ROOT), v}) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                writeInt(raw, b.length);
                raw.writeBytes(b);
            }
        });
        deflater.setInput(raw.toByteArray());
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            o.write(buf, 0, n);
        } while (n == buf.length);
        return o.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream o, int v) {
        o.write(v >>> 24);
        o.write(v >>> 16);
        o.write(v >>> 8);
        o.write(v);
    }

    /** SYN_STREAM from this side (used by clients; the server only replies). */
    synchronized void synStream(int streamId, Map<String, String> headers, boolean fin) throws IOException {
        byte[] block = deflate(headers);
        ByteBuffer b = ByteBuffer.allocate(10 + block.length).putInt(streamId).putInt(0).putShort((short) 0).put(block);
        control(SYN_STREAM, fin ? FLAG_FIN : 0, b.array());
    }

    /** SYN_REPLY accepting {@code streamId}, with no headers. */
    synchronized void synReply(int streamId, boolean fin) throws IOException {
        byte[] block = deflate(Map.of());
        control(SYN_REPLY, fin ? FLAG_FIN : 0, ByteBuffer.allocate(4 + block.length).putInt(streamId).put(block).array());
    }

    synchronized void rstStream(int streamId, int status) throws IOException {
        control(RST_STREAM, 0, ByteBuffer.allocate(8).putInt(streamId).putInt(status).array());
    }

    synchronized void ping(int id) throws IOException {
        control(PING, 0, ByteBuffer.allocate(4).putInt(id).array());
    }

    synchronized void goAway(int lastStreamId) throws IOException {
        control(GOAWAY, 0, ByteBuffer.allocate(8).putInt(lastStreamId).putInt(0).array());
    }

    /** A DATA frame; {@code fin} ends this side of the stream (may carry no data). */
    synchronized void data(int streamId, byte[] data, int off, int len, boolean fin) throws IOException {
        out.write(ByteBuffer.allocate(8).putInt(streamId & 0x7FFFFFFF).putInt((fin ? FLAG_FIN : 0) << 24 | len).array());
        out.write(data, off, len);
        out.flush();
    }

    private void control(int type, int flags, byte[] payload) throws IOException {
        out.write(ByteBuffer.allocate(8).putInt(0x80000000 | VERSION << 16 | type).putInt(flags << 24 | payload.length).array());
        out.write(payload);
        out.flush();
    }
}
