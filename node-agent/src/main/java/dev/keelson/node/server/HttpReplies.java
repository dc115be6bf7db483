package dev.keelson.node.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes HTTP/1.1 responses on a raw connection. Every response ends the connection
 * ({@code Connection: close}): bodies of unknown length (a followed log) are delimited by the
 * close, which every HTTP/1.1 client understands, and the API server opens one connection per
 * proxied request anyway.
 */
final class HttpReplies {
    private HttpReplies() {}

    /** A complete response. */
    static void send(OutputStream out, int code, String contentType, byte[] body) throws IOException {
        out.write(("HTTP/1.1 " + code + " " + reason(code) + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** A plain-text error, worded for a person (the API server shows it in its Status). */
    static void text(OutputStream out, int code, String message) throws IOException {
        send(out, code, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a body delimited by the connection's close. */
    static void startStream(OutputStream out, String contentType) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** A {@code 101 Switching Protocols} with the given headers. */
    static void switching(OutputStream out, Map<String, String> headers) throws IOException {
        StringBuilder sb = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Status " + code;
        };
    }
}
