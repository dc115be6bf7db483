package dev.keelson.cri.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Port forwarding into a pod. Over SPDY ({@code portforward.k8s.io}) the client opens a pair of
 * streams per connection, {@code error} and {@code data}, both with headers {@code port} and
 * {@code requestid}; each pair gets its own TCP connection to the port in the pod. Over a
 * WebSocket ({@code v4.portforward.k8s.io}, {@code portforward.k8s.io}) the ports are query
 * parameters and connection i uses channels {@code 2i} (data) and {@code 2i+1} (error), each of
 * which the server opens with the port as two little-endian bytes.
 */
final class PortForwardSession {
    static final String SPDY_PROTOCOL = "portforward.k8s.io";
    static final List<String> WS_PROTOCOLS = List.of("v4.portforward.k8s.io", "portforward.k8s.io");

    private PortForwardSession() {
    }

    /** Serves a SPDY connection until the client closes it. */
    static void spdy(Socket socket, PodDialer dialer, Set<Integer> allowed) throws IOException {
        SpdyConnection conn = new SpdyConnection(socket.getInputStream(), socket.getOutputStream());
        Map<String, CompletableFuture<SpdyStream>> errors = new ConcurrentHashMap<>();
        try {
            conn.serve(stream -> {
                String type = stream.header("streamtype");
                String id = stream.header("requestid");
                Integer port = port(stream.header("port"));
                if (id == null || port == null || !("error".equals(type) || "data".equals(type))) {
                    stream.refuse();
                    return;
                }
                CompletableFuture<SpdyStream> error = errors.computeIfAbsent(id, k -> new CompletableFuture<>());
                if (type.equals("error")) {
                    error.complete(stream);
                    return;
                }
                Thread.ofVirtual().name("portforward-" + port).start(() -> {
                    SpdyStream err = error.completeOnTimeout(null, SpdyCommandStreams.CREATION_TIMEOUT.toSeconds(),
                            TimeUnit.SECONDS).join();
                    errors.remove(id);
                    forward(dialer, port, allowed, stream.input(), stream.output(), err == null ? null : err.output());
                    if (err != null) {
                        Pumps.closeQuietly(err.output());
                    }
                });
            });
        } finally {
            conn.goAway();
            Linger.close(socket, null);
        }
    }

    /** Serves a WebSocket connection for {@code ports} until the client closes it. */
    static void webSocket(Socket socket, PodDialer dialer, List<Integer> ports) throws IOException {
        WebSocketConnection ws = new WebSocketConnection(socket.getInputStream(), socket.getOutputStream());
        List<ByteQueue> inputs = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            byte[] port = {(byte) ports.get(i).intValue(), (byte) (ports.get(i) >> 8)};
            ws.sendChannel(2 * i, port, 0, 2);
            ws.sendChannel(2 * i + 1, port, 0, 2);
            ByteQueue in = new ByteQueue();
            inputs.add(in);
            int ch = 2 * i;
            int p = ports.get(i);
            Thread.ofVirtual().name("portforward-" + p).start(() -> forward(dialer, p, null, in,
                    channel(ws, ch), channel(ws, ch + 1)));
        }
        try {
            while (true) {
                WebSocketConnection.Message m = ws.read();
                if (m.opcode() == WebSocketConnection.OP_CLOSE) {
                    break;
                }
                byte[] d = m.payload();
                int ch = d.length > 0 ? d[0] & 0xFF : -1;
                if (m.opcode() == WebSocketConnection.OP_BINARY && ch >= 0 && ch % 2 == 0 && ch / 2 < inputs.size()) {
                    inputs.get(ch / 2).offer(d, 1, d.length - 1);
                }
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            inputs.forEach(ByteQueue::end);
            try {
                ws.close(1000, "");
            } catch (IOException e) {
                // gone
            }
            Linger.close(socket, null);
        }
    }

    private static OutputStream channel(WebSocketConnection ws, int ch) {
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

    /**
     * One forwarded connection: dial, then copy both ways until the pod closes its side (then the
     * data stream gets its end) — a failure to connect goes to {@code error} as text.
     */
    private static void forward(PodDialer dialer, int port, Set<Integer> allowed, InputStream in, OutputStream out,
            OutputStream error) {
        SocketChannel ch;
        try {
            if (allowed != null && !allowed.isEmpty() && !allowed.contains(port)) {
                throw new IOException("port " + port + " was not requested in PortForward");
            }
            ch = dialer.dial(port);
        } catch (IOException e) {
            if (error != null) {
                try {
                    error.write(("an error occurred forwarding " + port + ": " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the client is gone
                }
            }
            Pumps.closeQuietly(out);
            return;
        }
        try (ch) {
            Thread up = Pumps.copy("portforward-up-" + port, in, new OutputStream() {
                private final OutputStream sock = Channels.newOutputStream(ch);

                @Override
                public void write(int b) throws IOException {
                    sock.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    sock.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    ch.shutdownOutput();
                }
            });
            Thread down = Pumps.copy("portforward-down-" + port, Channels.newInputStream(ch), out);
            Pumps.join(down, Long.MAX_VALUE);
            up.interrupt();
        } catch (IOException e) {
            // closing the pod side
        }
    }

    private static Integer port(String s) {
        try {
            int p = Integer.parseInt(s);
            return p > 0 && p < 65536 ? p : null;
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }
}
