package dev.keelson.cri.stream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The server end of a WebSocket (RFC 6455) after the handshake: reads the client's frames
 * (which must be masked) and writes unmasked ones. Only what the Kubernetes channel protocols use:
 * binary messages, ping/pong and close. Writes are serialised, so a reader thread can answer
 * pings while another thread sends output.
 *
 * <pre>
 *    0                   1                   2                   3
 *   |F|R R R| opcode|M| len (7)     | extended len (16 / 64) ...    |
 *   | masking key (4, client→server only)  | payload ...            |
 * </pre>
 */
public final class WebSocketConnection {
    public static final int OP_CONTINUATION = 0x0;
    public static final int OP_TEXT = 0x1;
    public static final int OP_BINARY = 0x2;
    public static final int OP_CLOSE = 0x8;
    public static final int OP_PING = 0x9;
    public static final int OP_PONG = 0xA;
    /** The largest client message accepted (stdin chunks and resize events are small). */
    private static final int MAX_MESSAGE = 1 << 20;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final InputStream in;
    private final OutputStream out;
    private boolean closeSent;

    /** One message from the client: its opcode and payload (fragments joined). */
    public record Message(int opcode, byte[] payload) {
    }

    public WebSocketConnection(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    /** The {@code Sec-WebSocket-Accept} value answering a client's {@code Sec-WebSocket-Key}. */
    public static String accept(String key) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from the JDK", e);
        }
    }

    /**
     * Reads the next data or control message; pings are answered here and not returned.
     *
     * @throws EOFException when the connection ends
     */
    public Message read() throws IOException {
        java.io.ByteArrayOutputStream message = null;
        int messageOp = -1;
        while (true) {
            int b0 = readByte();
            int b1 = readByte();
            boolean fin = (b0 & 0x80) != 0;
            int op = b0 & 0x0F;
            if ((b1 & 0x80) == 0) {
                throw new IOException("client frame without a mask (RFC 6455 section 5.1)");
            }
            long len = b1 & 0x7F;
            if (len == 126) {
                len = (readByte() << 8) | readByte();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | readByte();
                }
            }
            if (len > MAX_MESSAGE) {
                throw new IOException("WebSocket frame of " + len + " bytes is larger than " + MAX_MESSAGE);
            }
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes((int) len);
            if (mask.length < 4 || payload.length < len) {
                throw new EOFException("the connection ended inside a frame");
            }
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            if (op >= OP_CLOSE) {
                if (op == OP_PING) {
                    write(OP_PONG, payload, 0, payload.length);
                    continue;
                }
                return new Message(op, payload);
            }
            if (op != OP_CONTINUATION) {
                messageOp = op;
                message = new java.io.ByteArrayOutputStream();
            } else if (message == null) {
                throw new IOException("continuation frame without a message");
            }
            message.writeBytes(payload);
            if (message.size() > MAX_MESSAGE) {
                throw new IOException("WebSocket message larger than " + MAX_MESSAGE + " bytes");
            }
            if (fin) {
                return new Message(messageOp, message.toByteArray());
            }
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the WebSocket connection ended");
        }
        return b;
    }

    /** Sends one binary message: the channel byte, then {@code data}. */
    public void sendChannel(int channel, byte[] data, int off, int len) throws IOException {
        byte[] frame = new byte[len + 1];
        frame[0] = (byte) channel;
        System.arraycopy(data, off, frame, 1, len);
        write(OP_BINARY, frame, 0, frame.length);
    }

    /** Sends a close frame with {@code code} (1000: normal) once. */
    public void close(int code, String reason) throws IOException {
        synchronized (this) {
            if (closeSent) {
                return;
            }
            closeSent = true;
        }
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + Math.min(r.length, 120)];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, p.length - 2);
        write(OP_CLOSE, p, 0, p.length);
    }

    private synchronized void write(int op, byte[] data, int off, int len) throws IOException {
        byte[] head;
        if (len < 126) {
            head = new byte[] {(byte) (0x80 | op), (byte) len};
        } else if (len < 65536) {
            head = new byte[] {(byte) (0x80 | op), 126, (byte) (len >> 8), (byte) len};
        } else {
            head = new byte[10];
            head[0] = (byte) (0x80 | op);
            head[1] = 127;
            for (int i = 0; i < 8; i++) {
                head[9 - i] = (byte) ((long) len >> (8 * i));
            }
        }
        out.write(head);
        out.write(data, off, len);
        out.flush();
    }
}
