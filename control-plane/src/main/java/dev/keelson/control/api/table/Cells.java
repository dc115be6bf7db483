package dev.keelson.control.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Small formatters the column sets share. */
final class Cells {
    private Cells() {}

    static final String NONE = "<none>";

    static JsonNode at(JsonNode o, String dotted) {
        JsonNode n = o;
        for (String p : dotted.split("\\.")) {
            n = n.path(p);
        }
        return n;
    }

    static String text(JsonNode o, String dotted) {
        JsonNode n = at(o, dotted);
        return n.isMissingNode() || n.isNull() || n.asText().isEmpty() ? NONE : n.asText();
    }

    static long number(JsonNode o, String dotted) {
        return at(o, dotted).asLong(0);
    }

    /** Label selector rendered as kubectl shows it: {@code app=web,tier in (a,b)}. */
    static String selector(JsonNode selector) {
        List<String> parts = new ArrayList<>();
        Map<String, String> labels = new TreeMap<>();
        selector.path("matchLabels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        labels.forEach((k, v) -> parts.add(k + "=" + v));
        for (JsonNode e : selector.path("matchExpressions")) {
            String op = e.path("operator").asText();
            List<String> values = new ArrayList<>();
            e.path("values").forEach(v -> values.add(v.asText()));
            String key = e.path("key").asText();
            parts.add(switch (op) {
                case "In" -> key + " in (" + String.join(",", values) + ")";
                case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
                case "Exists" -> key;
                case "DoesNotExist" -> "!" + key;
                default -> key + " " + op;
            });
        }
        return parts.isEmpty() ? NONE : String.join(",", parts);
    }

    /** A plain map selector (a Service's): {@code app=web}. */
    static String mapSelector(JsonNode map) {
        Map<String, String> labels = new TreeMap<>();
        map.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        List<String> parts = new ArrayList<>();
        labels.forEach((k, v) -> parts.add(k + "=" + v));
        return parts.isEmpty() ? NONE : String.join(",", parts);
    }

    static String containers(JsonNode podSpec, String field) {
        List<String> out = new ArrayList<>();
        podSpec.path("containers").forEach(c -> out.add(c.path(field).asText()));
        return out.isEmpty() ? NONE : String.join(",", out);
    }

    static int count(JsonNode n) {
        return n.isContainerNode() ? n.size() : 0;
    }
}
