package dev.keelson.control.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small readers for the unstructured (Jackson tree) form of Kubernetes objects. */
public final class Json {
    private Json() {}

    /** A {@code map[string]string} field, empty when absent. */
    public static Map<String, String> stringMap(JsonNode node) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** Text at a dotted path such as {@code metadata.name}, or "" when absent. */
    public static String text(JsonNode node, String dottedPath) {
        JsonNode n = node;
        int start = 0;
        while (n != null && start <= dottedPath.length()) {
            int dot = dottedPath.indexOf('.', start);
            String part = dot < 0 ? dottedPath.substring(start) : dottedPath.substring(start, dot);
            n = n.get(part);
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        return n == null || n.isNull() ? "" : n.asText();
    }
}
