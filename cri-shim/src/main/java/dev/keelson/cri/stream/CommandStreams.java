package dev.keelson.cri.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The client's side of one exec or attach session, whatever carries it (SPDY streams or
 * WebSocket channels): stdin and terminal resizes from the client, stdout and stderr to it, and
 * the final status on the error stream. Absent streams are null.
 */
interface CommandStreams extends AutoCloseable {
    /** The client's input, or null when stdin was not requested. */
    InputStream stdin();

    /** JSON {@code {"Width":W,"Height":H}} objects, one per resize, or null without a TTY. */
    InputStream resize();

    /** To the client's stdout, or null. */
    OutputStream stdout();

    /** To the client's stderr, or null (always null with a TTY). */
    OutputStream stderr();

    /** Writes the final status (remotecommand v4: a JSON {@code metav1.Status}) on the error stream. */
    void status(StatusJson status) throws IOException;

    /** Ends the session: every stream closed, then the connection. */
    @Override
    void close();
}
