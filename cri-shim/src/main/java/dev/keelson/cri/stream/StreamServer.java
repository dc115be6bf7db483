package dev.keelson.cri.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP side of CRI streaming: the server behind the URLs that Exec, Attach and PortForward
 * answer (as the kubelet's and containerd's streaming servers are). Plain HTTP/1.1 on a TCP
 * address, loopback by default; each connection is one request on a virtual thread, handed to a
 * {@link Handler} that upgrades it (SPDY/3.1 or WebSocket) or answers an error.
 */
public final class StreamServer implements AutoCloseable {
    /** Serves one request; the handler owns the socket and closes it. */
    interface Handler {
        void serve(HttpHead head, Socket socket) throws IOException;
    }

    private final ServerSocket listener;
    private final Handler handler;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private StreamServer(ServerSocket listener, Handler handler) {
        this.listener = listener;
        this.handler = handler;
        this.acceptor = Thread.ofVirtual().name("cri-stream-accept").start(this::acceptLoop);
    }

    /** Listens on {@code address} (port 0: any free port). */
    static StreamServer start(InetSocketAddress address, Handler handler) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(address, 128);
        return new StreamServer(s, handler);
    }

    /** {@code http://ADDR:PORT}, the prefix of every streaming URL. */
    public URI base() {
        InetAddress a = listener.getInetAddress();
        String host = a.getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + listener.getLocalPort());
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            open.add(s);
            Thread.ofVirtual().name("cri-stream").start(() -> {
                try (s) {
                    s.setTcpNoDelay(true);
                    HttpHead head;
                    try {
                        head = HttpHead.read(s.getInputStream());
                    } catch (IOException e) {
                        reply(s.getOutputStream(), 400, "Bad Request", e.getMessage());
                        return;
                    }
                    handler.serve(head, s);
                } catch (IOException e) {
                    // the client went away
                } finally {
                    open.remove(s);
                }
            });
        }
    }

    /** A complete non-upgrade answer with a text body; the connection closes after it. */
    static void reply(OutputStream out, int code, String reason, String body) throws IOException {
        byte[] b = (body + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + code + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + b.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    /** {@code 101 Switching Protocols} with {@code headers}. */
    static void switching(OutputStream out, Map<String, String> headers) throws IOException {
        StringBuilder b = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        out.write(b.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Stops accepting and ends every open session. */
    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (SocketException e) {
                // already closed
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
