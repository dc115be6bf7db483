package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.schema.Schemas;
import dev.keelson.control.schema.TypeSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Drops the empty string-keyed maps of a stored object, as kube-apiserver's round trip through the
 * Go types does: every optional map field there ({@code labels}, {@code annotations}, ConfigMap
 * {@code data}, {@code nodeSelector}…) is {@code omitempty}. Without this, removing the last label
 * ({@code kubectl label cm x tier-}) would leave {@code labels: {}} in the object and an
 * {@code f:labels} owner in managedFields that real clusters never show. Struct-shaped objects
 * ({@code securityContext: {}}) are kept: Go keeps a non-nil pointer to an empty struct.
 */
final class OmitEmpty {
    private OmitEmpty() {}

    /** Removes, in place, every empty value whose schema position is a map. */
    static void prune(ResourceType type, ObjectNode object) {
        prune(Schemas.of(type.apiVersion(), type.kind()), object);
    }

    private static void prune(TypeSchema schema, JsonNode node) {
        switch (schema.shape()) {
            case OBJECT -> {
                if (node instanceof ObjectNode o) {
                    List<String> empty = new ArrayList<>();
                    for (Map.Entry<String, JsonNode> e : o.properties()) {
                        TypeSchema field = schema.properties().get(e.getKey());
                        if (field == null) {
                            continue;
                        }
                        prune(field, e.getValue());
                        if (field.shape() == TypeSchema.Shape.MAP && e.getValue() instanceof ObjectNode m && m.isEmpty()) {
                            empty.add(e.getKey());
                        }
                    }
                    empty.forEach(o::remove);
                }
            }
            case LIST -> {
                if (node instanceof ArrayNode a) {
                    a.forEach(item -> prune(schema.items(), item));
                }
            }
            case MAP -> {
                if (node instanceof ObjectNode o) {
                    o.properties().forEach(e -> prune(schema.items(), e.getValue()));
                }
            }
            default -> { }
        }
    }
}
