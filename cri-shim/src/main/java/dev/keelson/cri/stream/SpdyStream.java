package dev.keelson.cri.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * One SPDY stream opened by the client: its headers ({@code streamtype}, {@code port},
 * {@code requestid}), what the client sends on it as an {@link InputStream}, and an
 * {@link OutputStream} whose writes become DATA frames and whose close sends FIN.
 */
final class SpdyStream {
    /** Largest DATA frame written (the Go clients use 32 KiB too). */
    private static final int CHUNK = 32 * 1024;
    private final int id;
    private final Map<String, List<String>> headers;
    private final SpdyFrames frames;
    private final ByteQueue input = new ByteQueue();
    private volatile boolean inputEnded;
    private volatile boolean outputClosed;

    SpdyStream(int id, Map<String, List<String>> headers, SpdyFrames frames) {
        this.id = id;
        this.headers = headers;
        this.frames = frames;
    }

    int id() {
        return id;
    }

    /** The first value of a header (names lower case), or null. */
    String header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    InputStream input() {
        return input;
    }

    void received(byte[] data, boolean fin) {
        if (inputEnded) {
            return;
        }
        input.offer(data, 0, data.length);
        if (fin) {
            endInput();
        }
    }

    /** The client reset the stream or the connection ended: no more input, writes are dropped. */
    void reset() {
        endInput();
        outputClosed = true;
    }

    private synchronized void endInput() {
        if (!inputEnded) {
            inputEnded = true;
            input.end();
        }
    }

    /** Refuses the stream (an unknown type, a duplicate, a bad port). */
    void refuse() {
        outputClosed = true;
        try {
            frames.rstStream(id, SpdyFrames.REFUSED_STREAM);
        } catch (IOException e) {
            // connection gone
        }
    }

    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (outputClosed) {
                    throw new IOException("SPDY stream " + id + " is closed");
                }
                for (int done = 0; done < len; done += CHUNK) {
                    frames.data(id, b, off + done, Math.min(CHUNK, len - done), false);
                }
            }

            @Override
            public void close() throws IOException {
                finish();
            }
        };
    }

    /** Sends FIN once (nothing if the stream was reset). */
    synchronized void finish() throws IOException {
        if (!outputClosed) {
            outputClosed = true;
            frames.data(id, new byte[0], 0, 0, true);
        }
    }
}
