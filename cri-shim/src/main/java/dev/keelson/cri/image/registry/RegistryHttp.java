package dev.keelson.cri.image.registry;

import dev.keelson.cri.stream.BulkInputStream;
import dev.keelson.cri.stream.HttpLines;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The HTTP/1.1 a registry pull needs, and nothing more: GET with a few headers over plain or TLS
 * sockets, bodies by {@code Content-Length}, {@code chunked} or end of connection, and kept-alive
 * connections reused per authority. A registry speaks plain HTTP/1.1 to containerd too.
 *
 * <p>Why not {@code java.net.http}: it brings about 500 classes (its own and the TLS stack, loaded
 * with the JDK's trust store even for plain-HTTP registries), a selector thread, and about 1.5 ms
 * per request in a C1-only JVM; a resident runtime pays the classes in memory for its whole life.
 * Here TLS is loaded only when an {@code https://} endpoint is used.
 */
final class RegistryHttp {
    private static final int MAX_IDLE_PER_AUTHORITY = 4;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final String USER_AGENT = "keelson-cri";

    private final SSLContext ssl;
    private final Duration connectTimeout;
    private final Map<String, Deque<Connection>> idle = new HashMap<>();

    /** @param ssl the TLS context for {@code https://}, or null for the JDK default (loaded on first use) */
    RegistryHttp(SSLContext ssl, Duration connectTimeout) {
        this.ssl = ssl;
        this.connectTimeout = connectTimeout;
    }

    /** A response: status, headers (names lower case), and the body, which the caller reads or closes. */
    static final class Response {
        private final int status;
        private final Map<String, List<String>> headers;
        private final InputStream body;

        Response(int status, Map<String, List<String>> headers, InputStream body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        int statusCode() {
            return status;
        }

        /** The first value of header {@code name} (any case). */
        Optional<String> header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
        }

        /** The body as a stream; closing it before its end closes the connection. */
        InputStream body() {
            return body;
        }

        /** The whole body (and the connection goes back to the pool). */
        byte[] bytes() throws IOException {
            try (InputStream in = body) {
                return in.readAllBytes();
            }
        }
    }

    /** {@code GET uri} with {@code headers}; {@code timeout} bounds each read (and the connect). */
    Response get(URI uri, Map<String, String> headers, Duration timeout) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IOException("not an http(s) URL: " + uri);
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        String key = scheme + "://" + uri.getHost() + ":" + port;
        StringBuilder req = new StringBuilder("GET ").append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            req.append('?').append(uri.getRawQuery());
        }
        req.append(" HTTP/1.1\r\nHost: ").append(uri.getHost()).append(uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                .append("\r\nUser-Agent: ").append(USER_AGENT).append("\r\n");
        for (var h : headers.entrySet()) {
            if (h.getKey().indexOf('\r') >= 0 || h.getKey().indexOf('\n') >= 0 || h.getValue().indexOf('\r') >= 0
                    || h.getValue().indexOf('\n') >= 0) {
                throw new IOException("header " + h.getKey() + " holds a line break");
            }
            req.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        byte[] head = req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        // A kept-alive connection may have been closed by the server meanwhile: one fresh retry then.
        Connection c = take(key);
        if (c != null) {
            try {
                return exchange(c, key, head, timeout);
            } catch (IOException stale) {
                c.close();
            }
        }
        return exchange(open(uri.getHost(), port, tls, timeout), key, head, timeout);
    }

    private Response exchange(Connection c, String key, byte[] head, Duration timeout) throws IOException {
        try {
            c.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.out.write(head);
            c.out.flush();
            String status = line(c.in);
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x response: \"" + status + "\"");
            }
            int code;
            try {
                code = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("bad status line: \"" + status + "\"");
            }
            Map<String, List<String>> headers = new HashMap<>();
            int total = status.length();
            for (String l; !(l = line(c.in)).isEmpty(); ) {
                total += l.length();
                if (total > MAX_HEADER_BYTES) {
                    throw new IOException("response headers over " + MAX_HEADER_BYTES + " bytes");
                }
                int colon = l.indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(l.substring(colon + 1).strip());
                }
            }
            boolean close = parts[0].equals("HTTP/1.0") || headers.getOrDefault("connection", List.of()).stream()
                    .anyMatch(v -> v.equalsIgnoreCase("close"));
            InputStream body;
            String te = headers.getOrDefault("transfer-encoding", List.of()).stream().findFirst().orElse("");
            String cl = headers.getOrDefault("content-length", List.of()).stream().findFirst().orElse(null);
            if (code == 204 || code == 304) {
                body = new Body(c, key, new Bounded(c.in, 0), close);
            } else if (te.toLowerCase(Locale.ROOT).contains("chunked")) {
                body = new Body(c, key, new Chunked(c.in), close);
            } else if (cl != null) {
                long n;
                try {
                    n = Long.parseLong(cl.strip());
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length: " + cl);
                }
                body = new Body(c, key, new Bounded(c.in, n), close);
            } else {
                body = new Body(c, key, c.in, true); // to the end of the connection
            }
            return new Response(code, headers, body);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private Connection open(String host, int port, boolean tls, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) Math.min(connectTimeout.toMillis(), timeout.toMillis()));
            s.setTcpNoDelay(true);
            if (tls) {
                SSLContext ctx = ssl != null ? ssl : defaultTls();
                SSLSocket t = (SSLSocket) ctx.getSocketFactory().createSocket(s, host, port, true);
                SSLParameters p = t.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                if (!host.isEmpty() && !Character.isDigit(host.charAt(0)) && host.indexOf(':') < 0) {
                    p.setServerNames(List.of(new SNIHostName(host)));
                }
                t.setSSLParameters(p);
                t.startHandshake();
                s = t;
            }
            return new Connection(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static SSLContext defaultTls() throws IOException {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException("no TLS in this JDK: " + e.getMessage(), e);
        }
    }

    private synchronized Connection take(String key) {
        Deque<Connection> d = idle.get(key);
        return d == null ? null : d.pollFirst();
    }

    private synchronized void give(String key, Connection c) {
        Deque<Connection> d = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (d.size() >= MAX_IDLE_PER_AUTHORITY) {
            c.close();
        } else {
            d.addFirst(c);
        }
    }

    /** Closes every idle connection. */
    synchronized void close() {
        idle.values().forEach(d -> d.forEach(Connection::close));
        idle.clear();
    }

    private static String line(InputStream in) throws IOException {
        return HttpLines.line(in, MAX_HEADER_BYTES, "response head");
    }

    private static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 4096);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    /** A response body: at its end the connection goes back to the pool, closed early it is closed. */
    private final class Body extends FilterInputStream {
        private final Connection c;
        private final String key;
        private final boolean closeAtEnd;
        private boolean done;

        Body(Connection c, String key, InputStream framed, boolean closeAtEnd) {
            super(framed);
            this.c = c;
            this.key = key;
            this.closeAtEnd = closeAtEnd;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                finish(true);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n < 0) {
                finish(true);
            }
            return n;
        }

        @Override
        public void close() {
            finish(false);
        }

        private void finish(boolean atEnd) {
            if (done) {
                return;
            }
            done = true;
            if (atEnd && !closeAtEnd) {
                give(key, c);
            } else {
                c.close();
            }
        }
    }

    /** Exactly {@code n} bytes of the connection, then end of stream. */
    private static final class Bounded extends BulkInputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long n) {
            this.in = in;
            this.left = n;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection closed with " + left + " body bytes to come");
            }
            left -= n;
            return n;
        }
    }

    /** A {@code chunked} body: {@code SIZE[;ext]\r\n DATA\r\n}… {@code 0\r\n} trailers {@code \r\n}. */
    private static final class Chunked extends BulkInputStream {
        private final InputStream in;
        private long left;
        private boolean end;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (end) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                int semi = size.indexOf(';');
                try {
                    left = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size: \"" + size + "\"");
                }
                if (left == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers: none of them matter here
                    }
                    end = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            left -= n;
            if (left == 0 && !line(in).isEmpty()) {
                throw new IOException("a chunk does not end with CRLF");
            }
            return n;
        }
    }
}
