package dev.keelson.cri.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;

/**
 * An exec or attach session over a WebSocket with a Kubernetes channel protocol: every binary
 * message is one channel byte then data. 0 stdin, 1 stdout, 2 stderr, 3 error (the final status),
 * 4 resize; in {@code v5.channel.k8s.io} the client's message {@code 255 CH} closes channel CH
 * (its stdin half-close). v4 and v5 carry a JSON status on channel 3, earlier versions text.
 */
final class WebSocketCommandStreams implements CommandStreams {
    /** In order of preference. */
    static final List<String> PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io",
            "v2.channel.k8s.io", "channel.k8s.io");
    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final int ERROR = 3;
    private static final int RESIZE = 4;
    private static final int CLOSE = 255;

    private final Socket socket;
    private final WebSocketConnection ws;
    private final boolean v4;
    private final ByteQueue stdin;
    private final ByteQueue resize;
    private final boolean stdout;
    private final boolean stderr;
    private final Thread reader;

    /** Starts reading the client's messages on a virtual thread; the handshake is already answered. */
    WebSocketCommandStreams(Socket socket, String protocol, boolean stdin, boolean stdout, boolean stderr, boolean tty)
            throws IOException {
        this.socket = socket;
        this.ws = new WebSocketConnection(socket.getInputStream(), socket.getOutputStream());
        this.v4 = protocol.startsWith("v4.") || protocol.startsWith("v5.");
        this.stdin = stdin ? new ByteQueue() : null;
        this.resize = tty ? new ByteQueue() : null;
        this.stdout = stdout;
        this.stderr = stderr && !tty;
        this.reader = Thread.ofVirtual().name("ws-remotecommand").start(this::readLoop);
    }

    private void readLoop() {
        try {
            while (true) {
                WebSocketConnection.Message m = ws.read();
                if (m.opcode() == WebSocketConnection.OP_CLOSE) {
                    break;
                }
                byte[] p = m.payload();
                if (m.opcode() != WebSocketConnection.OP_BINARY || p.length == 0) {
                    continue;
                }
                int ch = p[0] & 0xFF;
                if (ch == STDIN && stdin != null) {
                    stdin.offer(p, 1, p.length - 1);
                } else if (ch == RESIZE && resize != null) {
                    resize.offer(p, 1, p.length - 1);
                } else if (ch == CLOSE && p.length > 1 && (p[1] & 0xFF) == STDIN && stdin != null) {
                    stdin.end();
                }
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            if (stdin != null) {
                stdin.end();
            }
            if (resize != null) {
                resize.end();
            }
        }
    }

    @Override
    public InputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream resize() {
        return resize;
    }

    @Override
    public OutputStream stdout() {
        return stdout ? channel(STDOUT) : null;
    }

    @Override
    public OutputStream stderr() {
        return stderr ? channel(STDERR) : null;
    }

    private OutputStream channel(int ch) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ws.sendChannel(ch, b, off, len);
            }
        };
    }

    @Override
    public void status(StatusJson status) throws IOException {
        byte[] b = status.bytes(v4);
        ws.sendChannel(ERROR, b, 0, b.length);
    }

    @Override
    public void close() {
        try {
            ws.close(1000, "");
        } catch (IOException e) {
            // the client is gone
        }
        Linger.close(socket, reader);
    }
}
