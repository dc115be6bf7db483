package dev.keelson.cri.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An exec or attach session over SPDY (remotecommand protocols {@code v4.channel.k8s.io} down to
 * {@code channel.k8s.io}): the client opens one stream per {@code streamType} (error, then stdin,
 * stdout, stderr, resize as requested); the session starts once all expected streams are there.
 */
final class SpdyCommandStreams implements CommandStreams {
    /** The kubelet's streamCreationTimeout. */
    static final Duration CREATION_TIMEOUT = Duration.ofSeconds(30);

    private final Socket socket;
    private final SpdyConnection conn;
    private final boolean v4;
    private final Map<String, SpdyStream> byType = new ConcurrentHashMap<>();
    private volatile Thread reader;

    private SpdyCommandStreams(Socket socket, SpdyConnection conn, boolean v4) {
        this.socket = socket;
        this.conn = conn;
        this.v4 = v4;
    }

    /**
     * Serves the connection on a new virtual thread and waits for the streams in {@code expected}
     * (stream types); an unexpected or repeated type is refused.
     *
     * @throws IOException the client did not open them all within {@link #CREATION_TIMEOUT}
     */
    static SpdyCommandStreams open(Socket socket, boolean v4, Set<String> expected) throws IOException {
        SpdyConnection conn = new SpdyConnection(socket.getInputStream(), socket.getOutputStream());
        SpdyCommandStreams s = new SpdyCommandStreams(socket, conn, v4);
        CountDownLatch all = new CountDownLatch(expected.size());
        s.reader = Thread.ofVirtual().name("spdy-remotecommand").start(() -> {
            try {
                conn.serve(stream -> {
                    String type = stream.header("streamtype");
                    if (type == null || !expected.contains(type) || s.byType.putIfAbsent(type, stream) != null) {
                        stream.refuse();
                    } else {
                        all.countDown();
                    }
                });
            } catch (IOException e) {
                // the client went away: every stream ended, the session sees end of input
            }
        });
        try {
            if (!all.await(CREATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                s.close();
                throw new IOException("the client opened streams " + s.byType.keySet() + " of " + expected + " in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.close();
            throw new IOException("interrupted waiting for streams", e);
        }
        return s;
    }

    private SpdyStream stream(String type) {
        return byType.get(type);
    }

    @Override
    public InputStream stdin() {
        SpdyStream s = stream("stdin");
        return s == null ? null : s.input();
    }

    @Override
    public InputStream resize() {
        SpdyStream s = stream("resize");
        return s == null ? null : s.input();
    }

    @Override
    public OutputStream stdout() {
        SpdyStream s = stream("stdout");
        return s == null ? null : s.output();
    }

    @Override
    public OutputStream stderr() {
        SpdyStream s = stream("stderr");
        return s == null ? null : s.output();
    }

    @Override
    public void status(StatusJson status) throws IOException {
        SpdyStream e = stream("error");
        byte[] b = status.bytes(v4);
        try (OutputStream o = e.output()) {
            if (b.length > 0) {
                o.write(b);
            }
        }
    }

    @Override
    public void close() {
        for (SpdyStream s : byType.values()) {
            try {
                s.finish();
            } catch (IOException e) {
                // the client is gone
            }
        }
        conn.goAway();
        Linger.close(socket, reader);
    }
}
