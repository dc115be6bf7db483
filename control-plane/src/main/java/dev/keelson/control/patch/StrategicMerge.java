package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeSchema;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes strategic merge patch on maps, following k8s.io/apimachinery/pkg/util/strategicpatch
 * ({@code mergeMap}): maps merge key by key, a null value deletes a key, lists follow their
 * field's {@code patchStrategy} (see {@link StrategicLists}), and the directives
 *
 * <pre>
 *   $patch: replace | delete          the map replaces / empties the original map
 *   $retainKeys: [a, b]               keys of the original not listed are cleared first
 *   $setElementOrder/&lt;list&gt;: [...]     final order of a merged list
 *   $deleteFromPrimitiveList/&lt;list&gt;     values to drop from a merged list of primitives
 * </pre>
 *
 * <p>New content taken from the patch has its directives and null members stripped, so that no
 * {@code $}-key is ever stored.
 */
final class StrategicMerge {
    static final String PATCH = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String SET_ORDER = "$setElementOrder/";
    static final String DELETE_FROM = "$deleteFromPrimitiveList/";

    private StrategicMerge() {}

    /** Applies {@code patch} to a copy of {@code original}. */
    static JsonNode apply(JsonNode original, JsonNode patch, TypeSchema schema) {
        if (patch == null || !patch.isObject()) {
            throw new PatchException("strategic merge patch must be a JSON object");
        }
        ObjectNode copy = original != null && original.isObject()
                ? ((ObjectNode) original).deepCopy()
                : JsonValues.NODES.objectNode();
        return mergeMap(copy, (ObjectNode) patch, schema == null ? TypeSchema.ANY : schema, "");
    }

    /**
     * Merges {@code patch} into {@code original}, which the caller owns (it is changed and
     * returned; null stands for an absent map). {@code patch} is only read.
     */
    static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, TypeSchema schema, String path) {
        JsonNode directive = patch.get(PATCH);
        if (directive != null) {
            switch (directive.asText()) {
                case "replace" -> {
                    return (ObjectNode) clean(patch, path);
                }
                case "delete" -> {
                    return JsonValues.NODES.objectNode();
                }
                case "merge" -> { } // the default for maps; accepted for symmetry with list elements
                default -> throw new PatchException(where(path) + "unknown patch type: " + JsonValues.brief(directive)
                        + " in map: " + JsonValues.brief(patch));
            }
        }
        ObjectNode result = original == null ? JsonValues.NODES.objectNode() : original;
        retainKeys(result, patch, path);
        Set<String> ordered = StrategicLists.applyElementOrders(result, patch, schema, path);
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String key = e.getKey();
            if (key.equals(PATCH) || key.equals(RETAIN_KEYS) || key.startsWith(SET_ORDER) || ordered.contains(key)) {
                continue;
            }
            boolean deleteList = key.startsWith(DELETE_FROM);
            if (deleteList) {
                key = key.substring(DELETE_FROM.length());
                if (key.isEmpty()) {
                    throw new PatchException(where(path) + "invalid patch: " + DELETE_FROM + " needs a list name");
                }
            }
            mergeMember(result, key, e.getValue(), deleteList, schema, path);
        }
        return result;
    }

    private static void mergeMember(ObjectNode result, String key, JsonNode value, boolean deleteList,
                                    TypeSchema schema, String path) {
        if (value.isNull()) {
            result.remove(key);
            return;
        }
        JsonNode existing = result.get(key);
        if (existing == null || existing.getNodeType() != value.getNodeType()) {
            if (!deleteList) {
                JsonNode taken = clean(value, path + "." + key);
                if (taken == null) {
                    result.remove(key);
                } else {
                    result.set(key, taken);
                }
            }
            return;
        }
        TypeSchema field = SchemaNav.child(schema, key);
        String strategy = SchemaNav.strategy(field);
        String childPath = path + "." + key;
        if (existing.isObject()) {
            result.set(key, strategy.equals("replace")
                    ? clean(value, childPath)
                    : mergeMap((ObjectNode) existing, (ObjectNode) value, field, childPath));
        } else if (existing.isArray()) {
            if (strategy.equals("merge") || deleteList) {
                String mergeKey = field.patchMergeKey() == null ? "" : field.patchMergeKey();
                result.set(key, StrategicLists.merge((ArrayNode) existing, (ArrayNode) value,
                        SchemaNav.element(field), mergeKey, deleteList, childPath));
            } else {
                result.set(key, clean(value, childPath));
            }
        } else {
            result.set(key, value.deepCopy());
        }
    }

    /** Clears the keys of {@code original} missing from {@code $retainKeys} (the discriminated-union directive). */
    private static void retainKeys(ObjectNode original, ObjectNode patch, String path) {
        JsonNode list = patch.get(RETAIN_KEYS);
        if (list == null) {
            return;
        }
        if (!list.isArray()) {
            throw new PatchException(where(path) + "invalid patch: " + RETAIN_KEYS + " must be a list of field names");
        }
        Set<String> keep = new HashSet<>();
        list.forEach(n -> keep.add(n.asText()));
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String k = e.getKey();
            if (e.getValue().isNull() || k.startsWith("$")) {
                continue;
            }
            if (!keep.contains(k)) {
                throw new PatchException(where(path) + "invalid patch: field \"" + k + "\" is set but missing from "
                        + RETAIN_KEYS + " " + list);
            }
        }
        original.retain(keep);
    }

    /**
     * A copy of patch content that has no original to merge with: maps lose null members and
     * directive keys, {@code $patch: delete} items vanish (null is returned for "drop it").
     */
    static JsonNode clean(JsonNode value, String path) {
        if (value.isObject()) {
            JsonNode directive = value.get(PATCH);
            if (directive != null) {
                String d = directive.asText();
                if (d.equals("delete")) {
                    return null;
                }
                if (!d.equals("replace") && !d.equals("merge")) {
                    throw new PatchException(where(path) + "unknown patch type: " + JsonValues.brief(directive)
                            + " in map: " + JsonValues.brief(value));
                }
            }
            ObjectNode out = JsonValues.NODES.objectNode();
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                String k = e.getKey();
                if (e.getValue().isNull() || k.equals(PATCH) || k.equals(RETAIN_KEYS) || k.startsWith(SET_ORDER)
                        || k.startsWith(DELETE_FROM)) {
                    continue;
                }
                JsonNode v = clean(e.getValue(), path + "." + k);
                if (v != null) {
                    out.set(k, v);
                }
            }
            return out;
        }
        if (value.isArray()) {
            ArrayNode out = JsonValues.NODES.arrayNode(value.size());
            for (JsonNode item : value) {
                JsonNode v = item.isNull() ? item : clean(item, path);
                if (v != null) {
                    out.add(v);
                }
            }
            return out;
        }
        return value.deepCopy();
    }

    static String where(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }
}
