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

    /** Runs {@code action} once when the client goes away (reset stream, closed connection). */
    default void onClientGone(Runnable action) {}
}
