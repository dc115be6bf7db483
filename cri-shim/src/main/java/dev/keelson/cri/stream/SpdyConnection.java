package dev.keelson.cri.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The server end of one SPDY/3.1 connection: a reader loop that accepts every stream the client
 * opens (SYN_REPLY) and hands it to a handler, feeds DATA into the stream's input and answers
 * PING. Flow control is not enforced: the Go clients (moby/spdystream) do not send or wait for
 * WINDOW_UPDATE either.
 */
final class SpdyConnection {
    private final SpdyFrames frames;
    private final Map<Integer, SpdyStream> streams = new ConcurrentHashMap<>();
    private volatile int lastStreamId;

    SpdyConnection(InputStream in, OutputStream out) {
        this.frames = new SpdyFrames(in, out);
    }

    /**
     * Reads frames until the connection ends (returns normally at end of file or GOAWAY); each new
     * stream is accepted and given to {@code onStream} on this thread, so keep it quick.
     */
    void serve(Consumer<SpdyStream> onStream) throws IOException {
        try {
            while (true) {
                SpdyFrames.Frame f;
                try {
                    f = frames.read();
                } catch (java.io.EOFException e) {
                    return;
                }
                if (!f.control()) {
                    SpdyStream s = streams.get(f.streamId());
                    if (s != null) {
                        s.received(f.payload(), f.fin());
                    }
                    continue;
                }
                switch (f.type()) {
                    case SpdyFrames.SYN_STREAM -> {
                        Map<String, List<String>> h = frames.headers(f);
                        SpdyStream s = new SpdyStream(f.streamId(), h, frames);
                        lastStreamId = f.streamId();
                        streams.put(f.streamId(), s);
                        frames.synReply(f.streamId(), false);
                        if (f.fin()) {
                            s.received(new byte[0], true);
                        }
                        onStream.accept(s);
                    }
                    case SpdyFrames.RST_STREAM -> {
                        SpdyStream s = streams.remove(f.streamId());
                        if (s != null) {
                            s.reset();
                        }
                    }
                    case SpdyFrames.PING -> frames.ping(java.nio.ByteBuffer.wrap(f.payload()).getInt());
                    case SpdyFrames.GOAWAY -> {
                        return;
                    }
                    case SpdyFrames.HEADERS -> frames.headers(f); // keeps the zlib stream in step; nothing to do
                    default -> {
                        // SETTINGS, WINDOW_UPDATE: nothing to do without flow control
                    }
                }
            }
        } finally {
            streams.values().forEach(SpdyStream::reset);
        }
    }

    /** Tells the client no more streams are accepted (before closing the socket). */
    void goAway() {
        try {
            frames.goAway(lastStreamId);
        } catch (IOException e) {
            // the client is gone already
        }
    }
}
