package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The {@code FieldsV1} encoding of a field set, as stored in {@code managedFields[].fieldsV1}:
 * one JSON object per trie node, keyed by serialized path elements; a member without children is
 * {@code {}}, a member with children carries a {@code ".": {}} entry beside them.
 *
 * <pre>
 *   {"f:metadata":{"f:labels":{".":{},"f:app":{}}},
 *    "f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{}}}}}
 * </pre>
 */
final class FieldsV1 {
    private FieldsV1() {}

    static ObjectNode encode(FieldSet set) {
        ObjectNode out = JsonValues.NODES.objectNode();
        for (Map.Entry<PathElement, FieldSet> e : set.sortedChildren()) {
            FieldSet child = e.getValue();
            ObjectNode node = JsonValues.NODES.objectNode();
            if (child.hasChildren()) {
                if (child.isMember()) {
                    node.set(".", JsonValues.NODES.objectNode());
                }
                node.setAll(encode(child));
            }
            out.set(e.getKey().text(), node);
        }
        return out;
    }

    /** @throws PatchException if the JSON is not a FieldsV1 object */
    static FieldSet decode(JsonNode json) {
        FieldSet set = new FieldSet();
        if (json != null && !json.isNull()) {
            decodeInto(set, json, true);
        }
        return set;
    }

    private static void decodeInto(FieldSet node, JsonNode json, boolean root) {
        if (!json.isObject()) {
            throw new PatchException("invalid fieldsV1: expected an object, got " + JsonValues.brief(json));
        }
        for (Map.Entry<String, JsonNode> e : json.properties()) {
            if (e.getKey().equals(".")) {
                if (!root) {
                    node.markMember();
                }
                continue;
            }
            PathElement pe = PathElement.parse(e.getKey());
            FieldSet child = node.child(pe);
            if (e.getValue().isObject() && e.getValue().isEmpty()) {
                child.markMember();
            } else {
                decodeInto(child, e.getValue(), false);
            }
            node.dropIfEmpty(pe);
        }
    }
}
