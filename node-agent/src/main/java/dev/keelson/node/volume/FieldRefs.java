package dev.keelson.node.volume;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * Downward API {@code fieldRef} values for env and downwardAPI volumes. Whole label and annotation
 * maps (volumes only) are written as the kubelet's {@code FormatMap}: one {@code key="value"} per
 * line, sorted by key, values quoted like Go's {@code %q}.
 */
public final class FieldRefs {
    /**
     * What a pod knows about where it runs; null fields are not available (a downwardAPI volume
     * cannot refer to status fields).
     */
    public record Facts(String podIp, String hostIp, String nodeName) {
        /** For downwardAPI volumes: only metadata (and spec) fields. */
        public static final Facts NONE = new Facts(null, null, null);
    }

    private FieldRefs() {}

    /** @throws IllegalArgumentException naming the path when it is not supported here */
    public static String value(JsonNode pod, String path, Facts facts) {
        JsonNode meta = pod.path("metadata");
        String v = switch (path) {
            case "metadata.name" -> meta.path("name").asText();
            case "metadata.namespace" -> meta.path("namespace").asText();
            case "metadata.uid" -> meta.path("uid").asText();
            case "metadata.labels" -> facts == Facts.NONE ? format(meta.path("labels")) : null;
            case "metadata.annotations" -> facts == Facts.NONE ? format(meta.path("annotations")) : null;
            case "spec.nodeName" -> facts.nodeName() != null ? facts.nodeName() : pod.path("spec").path("nodeName").asText(null);
            case "spec.serviceAccountName" -> pod.path("spec").path("serviceAccountName").asText("");
            case "status.podIP", "status.podIPs" -> facts.podIp();
            case "status.hostIP", "status.hostIPs" -> facts.hostIp();
            default -> {
                if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
                    yield meta.path("labels").path(path.substring(17, path.length() - 2)).asText("");
                }
                if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
                    yield meta.path("annotations").path(path.substring(22, path.length() - 2)).asText("");
                }
                yield null;
            }
        };
        if (v == null) {
            throw new IllegalArgumentException("unsupported fieldRef \"" + path + "\"");
        }
        return v;
    }

    static String format(JsonNode map) {
        Map<String, String> sorted = new TreeMap<>();
        map.properties().forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(k).append('=').append(quote(v));
        });
        return out.toString();
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
