package dev.keelson.control.api.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One media range of an Accept header: {@code application/json;as=Table;v=v1;g=meta.k8s.io}. */
public record MediaType(String type, Map<String, String> params) {

    /** The ranges of an Accept header, in the client's order (q-values are not used by Kubernetes clients). */
    public static List<MediaType> parseAccept(String accept) {
        List<MediaType> out = new ArrayList<>();
        if (accept == null) {
            return out;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String t = parts[0].strip().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    params.put(parts[i].substring(0, eq).strip(), parts[i].substring(eq + 1).strip());
                }
            }
            out.add(new MediaType(t, params));
        }
        return out;
    }

    public String param(String name) {
        return params.getOrDefault(name, "");
    }

    /** Whether this range accepts JSON ({@code application/json}, {@code application/*}, {@code * /*}). */
    public boolean json() {
        return type.equals("application/json") || type.equals("application/*") || type.equals("*/*");
    }

    public boolean yaml() {
        return type.equals("application/yaml");
    }
}
