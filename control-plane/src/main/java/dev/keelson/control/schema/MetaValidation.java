package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Validation of object metadata, labels, annotations and label selectors, worded like
 * Kubernetes' {@code ValidateObjectMeta}, {@code ValidateLabels} and {@code ValidateLabelSelector}.
 */
final class MetaValidation {
    static final long ANNOTATIONS_MAX_BYTES = 256 * 1024;

    private MetaValidation() {}

    static void objectMeta(JsonNode meta, Function<String, List<String>> nameRule, boolean namespaced,
                           FieldErrors errs) {
        String name = meta.path("name").asText("");
        if (name.isEmpty()) {
            errs.required("metadata.name", "name or generateName is required");
        } else {
            errs.invalidEach("metadata.name", name, nameRule.apply(name));
        }
        String ns = meta.path("namespace").asText("");
        if (namespaced) {
            if (ns.isEmpty()) {
                errs.required("metadata.namespace", null);
            } else {
                errs.invalidEach("metadata.namespace", ns, NameRules.dns1123Label(ns));
            }
        } else if (!ns.isEmpty()) {
            errs.forbidden("metadata.namespace", "not allowed on this type");
        }
        labels(meta.path("labels"), "metadata.labels", errs);
        annotations(meta.path("annotations"), "metadata.annotations", errs);
    }

    static void labels(JsonNode labels, String path, FieldErrors errs) {
        for (Map.Entry<String, JsonNode> e : labels.properties()) {
            errs.invalidEach(path, e.getKey(), NameRules.qualifiedName(e.getKey()));
            errs.invalidEach(path, e.getValue().asText(), NameRules.labelValue(e.getValue().asText()));
        }
    }

    static void annotations(JsonNode annotations, String path, FieldErrors errs) {
        long size = 0;
        for (Map.Entry<String, JsonNode> e : annotations.properties()) {
            errs.invalidEach(path, e.getKey(), NameRules.qualifiedName(e.getKey().toLowerCase(java.util.Locale.ROOT)));
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length
                    + e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > ANNOTATIONS_MAX_BYTES) {
            errs.tooLong(path, ANNOTATIONS_MAX_BYTES);
        }
    }

    /** Syntax of a LabelSelector (matchLabels, matchExpressions). */
    static void selector(JsonNode selector, String path, FieldErrors errs) {
        labels(selector.path("matchLabels"), path + ".matchLabels", errs);
        JsonNode exprs = selector.path("matchExpressions");
        for (int i = 0; i < exprs.size(); i++) {
            JsonNode e = exprs.get(i);
            String p = path + ".matchExpressions[" + i + "]";
            String op = e.path("operator").asText("");
            int values = e.path("values").size();
            switch (op) {
                case "In", "NotIn" -> {
                    if (values == 0) {
                        errs.required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (values > 0) {
                        errs.forbidden(p + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    }
                }
                default -> errs.invalid(p + ".operator", op, "not a valid selector operator");
            }
            errs.invalidEach(p + ".key", e.path("key").asText(""), NameRules.qualifiedName(e.path("key").asText("")));
        }
    }

    static boolean isEmptySelector(JsonNode selector) {
        return selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty();
    }

    /** Whether a LabelSelector selects an object with these labels. */
    static boolean matches(JsonNode selector, JsonNode labels) {
        for (Map.Entry<String, JsonNode> e : selector.path("matchLabels").properties()) {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        for (JsonNode e : selector.path("matchExpressions")) {
            JsonNode value = labels.get(e.path("key").asText());
            boolean in = false;
            for (JsonNode v : e.path("values")) {
                in |= value != null && v.asText().equals(value.asText());
            }
            boolean ok = switch (e.path("operator").asText()) {
                case "In" -> in;
                case "NotIn" -> !in;
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A label map as Go prints a {@code map[string]string} with {@code %#v}. */
    static String goStringMap(JsonNode labels) {
        StringBuilder b = new StringBuilder("map[string]string{");
        boolean first = true;
        for (Map.Entry<String, String> e : sorted(labels).entrySet()) {
            b.append(first ? "" : ", ").append(FieldErrors.quote(e.getKey())).append(':').append(FieldErrors.quote(e.getValue()));
            first = false;
        }
        return b.append('}').toString();
    }

    private static Map<String, String> sorted(JsonNode labels) {
        Map<String, String> m = new TreeMap<>();
        labels.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
