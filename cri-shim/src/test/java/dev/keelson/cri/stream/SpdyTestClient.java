package dev.keelson.cri.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The client side of a SPDY streaming session for tests, as client-go's SPDY executor drives it:
 * POST with {@code Upgrade: SPDY/3.1}, then client-initiated streams (odd ids) with headers,
 * collecting what the server sends on each until it ends them.
 */
final class SpdyTestClient implements AutoCloseable {
    final Socket socket;
    final String status;
    final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private final SpdyFrames frames;
    private final Map<Integer, ByteArrayOutputStream> received = new ConcurrentHashMap<>();
    private final Map<Integer, CountDownLatch> ended = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> reset = new ConcurrentHashMap<>();
    private int nextId = 1;

    SpdyTestClient(URI url, String... protocols) throws IOException {
        socket = new Socket(url.getHost(), url.getPort());
        StringBuilder req = new StringBuilder("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getAuthority()
                + "\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n");
        for (String p : protocols) {
            req.append("X-Stream-Protocol-Version: ").append(p).append("\r\n");
        }
        socket.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        status = line(in);
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int c = l.indexOf(':');
            responseHeaders.put(l.substring(0, c).toLowerCase(), l.substring(c + 1).strip());
        }
        frames = new SpdyFrames(in, socket.getOutputStream());
        if (status.contains(" 101 ")) {
            Thread.ofVirtual().start(this::readLoop);
        }
    }

    /** The body after a non-101 status. */
    String body() throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private void readLoop() {
        try {
            while (true) {
                SpdyFrames.Frame f = frames.read();
                if (f.control() && f.type() == SpdyFrames.SYN_REPLY) {
                    frames.headers(f);
                } else if (f.control() && f.type() == SpdyFrames.RST_STREAM) {
                    reset.put(f.streamId(), true);
                    latch(f.streamId()).countDown();
                } else if (!f.control()) {
                    received.computeIfAbsent(f.streamId(), k -> new ByteArrayOutputStream()).writeBytes(f.payload());
                    if (f.fin()) {
                        latch(f.streamId()).countDown();
                    }
                }
            }
        } catch (IOException e) {
            ended.values().forEach(CountDownLatch::countDown);
        }
    }

    private CountDownLatch latch(int id) {
        return ended.computeIfAbsent(id, k -> new CountDownLatch(1));
    }

    /** Opens a stream with {@code headers}; returns its id. */
    synchronized int open(Map<String, String> headers) throws IOException {
        int id = nextId;
        nextId += 2;
        latch(id);
        frames.synStream(id, headers, false);
        return id;
    }

    void send(int id, String data, boolean fin) throws IOException {
        byte[] b = data.getBytes(StandardCharsets.UTF_8);
        frames.data(id, b, 0, b.length, fin);
    }

    /** Waits for the server to end stream {@code id}; returns what it sent. */
    String await(int id) throws InterruptedException {
        if (!latch(id).await(20, TimeUnit.SECONDS)) {
            throw new AssertionError("stream " + id + " did not end; got so far: " + text(id));
        }
        return text(id);
    }

    String text(int id) {
        ByteArrayOutputStream b = received.get(id);
        return b == null ? "" : b.toString(StandardCharsets.UTF_8);
    }

    boolean wasReset(int id) {
        return reset.getOrDefault(id, false);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                break;
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
