package dev.keelson.control.api.subresource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Base64;

/**
 * The backend of a tunnelled port-forward (kubectl 1.31+, WebSocket subprotocol
 * {@code SPDY/3.1+portforward.k8s.io}): the client sends its SPDY bytes as the payloads of binary
 * WebSocket messages, the node agent speaks plain SPDY. This socket stands for the node's
 * connection in the API server's byte tunnel and converts on the way:
 *
 * <pre>
 *   client ──ws frames (masked)──▶ getOutputStream(): payloads ──▶ node (SPDY bytes)
 *   client ◀──binary frames, unmasked── getInputStream() ◀── node (SPDY bytes)
 * </pre>
 *
 * Frame layout (RFC 6455 5.2): {@code FIN|opcode}, {@code MASK|len7} (126: 16-bit length follows,
 * 127: 64-bit), the 4-byte mask key when masked, the payload. A close frame ends the tunnel after
 * echoing it; a ping is answered with a pong carrying the same data; text and pong frames are
 * ignored.
 */
final class WebSocketTunnel extends Socket {
    /** The subprotocol prefix kubectl puts before the SPDY protocol it tunnels. */
    static final String PREFIX = "SPDY/3.1+";
    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int BUFFER = 16 * 1024;

    private final Socket node;
    private final byte[] alreadyRead;
    /** Frames to send to the client ahead of the node's next bytes (pongs, the close echo). */
    private final ArrayDeque<byte[]> control = new ArrayDeque<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    /** @param alreadyRead SPDY bytes the node sent after its 101, before the tunnel started */
    WebSocketTunnel(Socket node, byte[] alreadyRead) {
        this.node = node;
        this.alreadyRead = alreadyRead.clone();
    }

    /** The {@code Sec-WebSocket-Accept} value for a client's key (RFC 6455 4.2.2). */
    static String accept(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest((key.strip() + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }

    /** One unmasked server frame with FIN set. */
    static byte[] frame(int opcode, byte[] b, int off, int len) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(len + 10);
        f.write(0x80 | opcode);
        if (len < 126) {
            f.write(len);
        } else if (len <= 0xFFFF) {
            f.write(126);
            f.write(len >>> 8);
            f.write(len);
        } else {
            f.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) len >>> shift));
            }
        }
        f.write(b, off, len);
        return f.toByteArray();
    }

    /** What the tunnel sends to the client: the node's bytes, each read wrapped in one binary frame. */
    @Override
    public InputStream getInputStream() throws IOException {
        InputStream from = node.getInputStream();
        return new InputStream() {
            private byte[] pending = alreadyRead.length > 0 ? frame(OP_BINARY, alreadyRead, 0, alreadyRead.length) : new byte[0];
            private int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (pos >= pending.length) {
                    byte[] c = nextControl();
                    if (c != null) {
                        pending = c;
                    } else {
                        byte[] buf = new byte[BUFFER];
                        int n = from.read(buf);
                        if (n < 0) {
                            return -1;
                        }
                        pending = frame(OP_BINARY, buf, 0, n);
                    }
                    pos = 0;
                }
                int n = Math.min(len, pending.length - pos);
                System.arraycopy(pending, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    /** What the tunnel receives from the client: WebSocket frames, their payloads passed to the node. */
    @Override
    public OutputStream getOutputStream() throws IOException {
        OutputStream to = node.getOutputStream();
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                partial.write(b, off, len);
                byte[] all = partial.toByteArray();
                int used = 0;
                int n;
                while ((n = deliver(all, used, to)) > 0) {
                    used += n;
                }
                partial.reset();
                partial.write(all, used, all.length - used);
            }

            @Override
            public void flush() throws IOException {
                to.flush();
            }
        };
    }

    /** Handles the frame at {@code at} if it is complete; returns its length, or 0 when more bytes are needed. */
    private int deliver(byte[] a, int at, OutputStream to) throws IOException {
        int avail = a.length - at;
        if (avail < 2) {
            return 0;
        }
        int opcode = a[at] & 0x0F;
        boolean masked = (a[at + 1] & 0x80) != 0;
        long len = a[at + 1] & 0x7F;
        int head = 2;
        if (len == 126) {
            if (avail < 4) {
                return 0;
            }
            len = ((a[at + 2] & 0xFF) << 8) | (a[at + 3] & 0xFF);
            head = 4;
        } else if (len == 127) {
            if (avail < 10) {
                return 0;
            }
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | (a[at + 2 + i] & 0xFF);
            }
            head = 10;
        }
        if (len > Integer.MAX_VALUE - 14) {
            throw new IOException("WebSocket frame of " + len + " bytes is too large");
        }
        int maskAt = at + head;
        int dataAt = maskAt + (masked ? 4 : 0);
        if (a.length - dataAt < len) {
            return 0;
        }
        byte[] data = new byte[(int) len];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (a[dataAt + i] ^ (masked ? a[maskAt + (i & 3)] : 0));
        }
        switch (opcode) {
            case OP_BINARY, OP_CONTINUATION -> {
                to.write(data);
                to.flush();
            }
            case OP_PING -> queue(frame(0xA, data, 0, data.length));
            case OP_CLOSE -> {
                queue(frame(OP_CLOSE, data, 0, Math.min(2, data.length)));
                node.shutdownOutput();
            }
            default -> {
                // text and pong frames carry nothing for the node
            }
        }
        return dataAt - at + data.length;
    }

    private synchronized void queue(byte[] frame) {
        control.add(frame);
    }

    private synchronized byte[] nextControl() {
        return control.poll();
    }

    @Override
    public synchronized void close() throws IOException {
        node.close();
    }

    @Override
    public boolean isClosed() {
        return node.isClosed();
    }
}
