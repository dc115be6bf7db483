package dev.keelson.control.api.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request as the REST layer sees it, independent of the server library: method, path,
 * query parameters, the headers it needs, the body and the authenticated user.
 *
 * @param query every value of each parameter, in order
 * @param headers lower-case header names to their values (a repeated header's joined with ", ")
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                         byte[] body, String user) {

    /** The first value of a query parameter, or null. */
    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    public boolean flag(String name) {
        String v = param(name);
        return v != null && (v.isEmpty() || v.equalsIgnoreCase("true") || v.equals("1"));
    }

    public List<String> params(String name) {
        return query.getOrDefault(name, List.of());
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String accept() {
        String a = header("accept");
        return a == null ? "" : a;
    }

    /** The media type of the body without parameters, lower case ("" if none). */
    public String contentType() {
        String c = header("content-type");
        if (c == null) {
            return "";
        }
        int semi = c.indexOf(';');
        return (semi < 0 ? c : c.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }
}
