package dev.keelson.node.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request head as the kubelet API reads it: method, decoded path segments, query
 * parameters (repeatable, as {@code command=a&command=b} for exec) and lower-cased headers. Bodies
 * are not read: every kubelet endpoint served here is a GET (or an upgrade).
 *
 * @param method the request method
 * @param path the raw path, without the query
 * @param query parameters in order of appearance
 * @param headers header names lower-cased; a repeated header's values joined with {@code ", "} (RFC 9110 5.3)
 */
public record KubeletRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers) {
    /** The longest request head accepted (Go's http server allows 1 MB; our clients send a few hundred bytes). */
    static final int MAX_HEAD = 64 * 1024;

    /** Thrown for a head that is not HTTP/1.1 as this server understands it; answered with 400. */
    public static final class BadRequest extends IOException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    /**
     * Reads one request head from {@code in}, leaving the stream positioned after the blank line.
     *
     * @return the request, or null when the peer closed the connection before sending anything
     */
    public static KubeletRequest read(InputStream in) throws IOException {
        byte[] head = readHead(in, "request");
        if (head == null) {
            return null;
        }
        String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] start = lines[0].split(" ");
        if (start.length != 3 || !start[2].startsWith("HTTP/1.")) {
            throw new BadRequest("malformed request line: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new BadRequest("malformed header line: " + lines[i]);
            }
            headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
        }
        String target = start[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        return new KubeletRequest(start[0], path, q < 0 ? Map.of() : parseQuery(target.substring(q + 1)), headers);
    }

    /**
     * Reads an HTTP/1.x head (a request's or a response's) through its blank line, bytes as they came.
     *
     * @param what "request" or "response", for the messages
     * @return the head, or null when the stream ended before its first byte
     * @throws BadRequest for a head cut short or larger than {@link #MAX_HEAD}
     */
    static byte[] readHead(InputStream in, String what) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new BadRequest("the connection closed inside the " + what + " head");
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new BadRequest(what + " head larger than " + MAX_HEAD + " bytes");
            }
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        return head.toByteArray();
    }

    static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /** The path split on {@code /}, each segment URL-decoded, empty segments dropped. */
    public List<String> segments() {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** The first value of a query parameter, or null. */
    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Every value of a query parameter. */
    public List<String> params(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** A boolean parameter as Kubernetes parses them ({@code true}/{@code 1}). */
    public boolean flag(String name) {
        String v = param(name);
        return v != null && (v.equalsIgnoreCase("true") || v.equals("1"));
    }

    /** A header value (name in any case), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
