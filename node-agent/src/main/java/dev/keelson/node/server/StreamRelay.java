package dev.keelson.node.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Joins a client's upgrade request (exec, attach, port-forward) to the one-time URL the container
 * runtime returned from CRI {@code Exec}/{@code Attach}/{@code PortForward}, the way the kubelet
 * proxies to the runtime's streaming server when it does not redirect the client:
 *
 * <pre>
 *   client ──GET /exec/ns/pod/c (Upgrade: SPDY/3.1 | websocket)──▶ kubelet API
 *   kubelet ──GET /exec/TOKEN with the client's upgrade headers──▶ runtime streaming server
 *   runtime ──101 (or an error)──▶ kubelet ──the same head, byte for byte──▶ client
 *   then bytes are copied both ways until either side ends; the framing (SPDY or WebSocket)
 *   runs end to end between the client and the runtime.
 * </pre>
 *
 * Only the upgrade headers are passed on. {@code X-Stream-Protocol-Version} goes as one line per
 * value, because Go servers (containerd's streaming server) read each header line as one protocol
 * name; {@code Sec-WebSocket-Protocol} goes as one comma-separated line, as WebSocket servers read it.
 */
final class StreamRelay {
    private static final int BUFFER = 32 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private StreamRelay() {}

    /**
     * Proxies {@code request} to {@code url} and then the upgraded connection, until it ends.
     *
     * @param url the runtime's streaming URL ({@code http://host:port/…})
     * @param extraQuery parameters to append to the URL's query (may be empty), already encoded
     * @param client the client's socket (closed by the caller)
     * @param in the client's input, positioned after the request head
     * @param out the client's output
     */
    static void relay(String url, String extraQuery, KubeletRequest request, Socket client, InputStream in,
                      OutputStream out) throws IOException {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            HttpReplies.text(out, 502, "the container runtime returned an invalid streaming URL \"" + url + "\"");
            return;
        }
        if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            HttpReplies.text(out, 502, "the container runtime's streaming URL \"" + url + "\" is not plain http://host:port/"
                    + " (a TLS streaming server is not supported by this kubelet)");
            return;
        }
        try (Socket backend = new Socket()) {
            try {
                backend.connect(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 80 : u.getPort()), CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                HttpReplies.text(out, 502, "cannot reach the container runtime's streaming server at " + u.getHost() + ":"
                        + u.getPort() + ": " + e.getMessage());
                return;
            }
            backend.setTcpNoDelay(true);
            OutputStream bo = backend.getOutputStream();
            bo.write(head(u, extraQuery, request).getBytes(StandardCharsets.ISO_8859_1));
            bo.flush();
            InputStream bi = backend.getInputStream();
            byte[] reply = readHead(bi);
            out.write(reply);
            out.flush();
            if (statusOf(reply) != 101) {
                // An error: pass its body on (the runtime ends the connection after it).
                bi.transferTo(out);
                out.flush();
                return;
            }
            Thread down = Thread.ofVirtual().name("stream-relay-down").start(() -> pump(bi, out, client, backend));
            pump(in, bo, client, backend);
            try {
                down.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The request head sent to the runtime: its URL's path and query, the client's upgrade headers. */
    static String head(URI u, String extraQuery, KubeletRequest request) {
        String query = u.getRawQuery() == null ? extraQuery
                : extraQuery.isEmpty() ? u.getRawQuery() : u.getRawQuery() + "&" + extraQuery;
        StringBuilder h = new StringBuilder("GET ").append(u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                .append(query.isEmpty() ? "" : "?" + query).append(" HTTP/1.1\r\n")
                .append("Host: ").append(u.getRawAuthority()).append("\r\n")
                .append("Connection: Upgrade\r\n");
        line(h, "Upgrade", request.header("upgrade"));
        for (String p : values(request.header("x-stream-protocol-version"))) {
            line(h, "X-Stream-Protocol-Version", p);
        }
        line(h, "Sec-WebSocket-Key", request.header("sec-websocket-key"));
        line(h, "Sec-WebSocket-Version", request.header("sec-websocket-version"));
        line(h, "Sec-WebSocket-Protocol", request.header("sec-websocket-protocol"));
        return h.append("\r\n").toString();
    }

    /** A comma-separated header value split into its items. */
    static List<String> values(String header) {
        if (header == null) {
            return List.of();
        }
        return Arrays.stream(header.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static void line(StringBuilder h, String name, String value) {
        if (value != null && !value.isEmpty()) {
            h.append(name).append(": ").append(value).append("\r\n");
        }
    }

    /** Reads the streaming server's response head, bytes as they came. */
    static byte[] readHead(InputStream in) throws IOException {
        byte[] head = KubeletRequest.readHead(in, "streaming server's response");
        if (head == null) {
            throw new IOException("the container runtime's streaming server closed the connection before answering");
        }
        return head;
    }

    /** The status code of a response head, or -1 when its first line is not {@code HTTP/1.x NNN …}. */
    static int statusOf(byte[] head) {
        String first = new String(head, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
        String[] parts = first.split(" ");
        if (parts.length < 2 || !parts[0].toUpperCase(Locale.ROOT).startsWith("HTTP/1.")) {
            return -1;
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Copies until end of stream or an error, then closes both sockets, which ends the other direction too. */
    private static void pump(InputStream from, OutputStream to, Socket a, Socket b) {
        byte[] buf = new byte[BUFFER];
        try {
            for (int n; (n = from.read(buf)) >= 0; ) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(a);
            closeQuietly(b);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
