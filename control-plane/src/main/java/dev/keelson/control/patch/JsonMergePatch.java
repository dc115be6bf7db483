package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * RFC 7386 JSON merge patch: an object patch merges member by member (null deletes a member), any
 * other patch value replaces the target wholesale. Lists are never merged.
 */
final class JsonMergePatch {
    private JsonMergePatch() {}

    /** Applies {@code patch} to {@code target}; neither is modified. */
    static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            return patch == null ? JsonValues.NODES.nullNode() : patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy()
                : JsonValues.NODES.objectNode();
        mergeInto(result, (ObjectNode) patch);
        return result;
    }

    /** Merges {@code patch} into {@code result}, which this call owns and may change. */
    private static void mergeInto(ObjectNode result, ObjectNode patch) {
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String name = e.getKey();
            JsonNode value = e.getValue();
            if (value.isNull()) {
                result.remove(name);
            } else if (value.isObject()) {
                JsonNode existing = result.get(name);
                ObjectNode child = existing != null && existing.isObject()
                        ? (ObjectNode) existing
                        : JsonValues.NODES.objectNode();
                // A nested object is merged into {} when the target has none there, which is
                // what drops its null members (RFC 7386 section 2, MergePatch pseudo-code).
                mergeInto(child, (ObjectNode) value);
                result.set(name, child);
            } else {
                result.set(name, value.deepCopy());
            }
        }
    }
}
