package dev.keelson.control.api.http;

import java.io.IOException;
import java.io.OutputStream;

/** Where a handler writes its answer: one whole body, or a stream that is sent write by write. */
public interface Responder {

    /** Sends a complete response. */
    void send(int code, String contentType, byte[] body) throws IOException;

    /**
     * Starts a streamed response (chunked on HTTP/1.1, DATA frames on HTTP/2). Each
     * {@code write} on the returned stream reaches the client before it returns, so one event
     * should be one write. Closing the stream ends the response.
     */
    OutputStream stream(int code, String contentType) throws IOException;

    /**
     * Answers {@code 101 Switching Protocols} with {@code headers} and then joins the client's
     * connection to {@code tunnel} byte for byte (exec through a node agent). Only HTTP/1.1
     * connections can be upgraded.
     */
    default void upgrade(java.util.Map<String, String> headers, Tunnel tunnel) throws IOException {
        throw new IOException("this connection cannot be upgraded");
    }

    /** Runs {@code action} once when the client goes away (reset stream, closed connection). */
    default void onClientGone(Runnable action) {}
}
