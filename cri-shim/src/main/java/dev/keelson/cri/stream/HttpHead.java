package dev.keelson.cri.stream;

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
 * The request line and headers of one HTTP/1.1 request, read byte by byte so that nothing after
 * the blank line (the upgraded protocol's first frames) is consumed. Header names are lower-cased;
 * a header sent several times keeps every value.
 */
record HttpHead(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers) {
    private static final int MAX_LINE = 8192;
    private static final int MAX_HEADERS = 100;

    /** Reads one request head; {@link IOException} for a malformed or oversized one. */
    static HttpHead read(InputStream in) throws IOException {
        String[] request = line(in).split(" ");
        if (request.length != 3 || !request[2].startsWith("HTTP/1.")) {
            throw new IOException("malformed request line");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            if (colon <= 0 || headers.size() > MAX_HEADERS) {
                throw new IOException("malformed header line");
            }
            headers.computeIfAbsent(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(l.substring(colon + 1).strip());
        }
        String target = request[1];
        int q = target.indexOf('?');
        return new HttpHead(request[0], q < 0 ? target : target.substring(0, q), query(q < 0 ? "" : target.substring(q + 1)), headers);
    }

    /** The first value of header {@code name} (lower case), or null. */
    String header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Every value of {@code name}, comma-separated lists split. */
    List<String> headerValues(String name) {
        List<String> out = new ArrayList<>();
        for (String v : headers.getOrDefault(name, List.of())) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return m;
    }

    private static String line(InputStream in) throws IOException {
        return HttpLines.line(in, MAX_LINE, "request head");
    }
}
