package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The field set an object (an applied configuration) spells out, following structured-merge-diff's
 * {@code ToFieldSet}: scalars, atomic lists and atomic maps are members; items of map- and
 * set-type lists are members and are descended into; map keys are members (struct fields only
 * when they hold null or an empty map, otherwise just their contents count).
 */
final class ObjectFields {
    private final boolean rejectDuplicates;

    private ObjectFields(boolean rejectDuplicates) {
        this.rejectDuplicates = rejectDuplicates;
    }

    /**
     * @param rejectDuplicates fail on two items with the same key in a map- or set-type list (an
     *     applied configuration must not have them; a stored object may)
     */
    static FieldSet of(JsonNode object, TypeSchema schema, boolean rejectDuplicates) {
        FieldSet set = new FieldSet();
        if (object != null && object.isObject()) {
            new ObjectFields(rejectDuplicates).walkObject((ObjectNode) object, schema, set, "");
        }
        return set;
    }

    /** The path element naming a list item; {@code list} is the list position's schema. */
    static PathElement itemElement(JsonNode item, TypeSchema list, int index, String path) {
        if (SchemaNav.listType(list) == TypeSchema.ListType.MAP && !list.listMapKeys().isEmpty()) {
            if (!item.isObject()) {
                throw new PatchException(path + ": list items must be objects with the key fields "
                        + list.listMapKeys() + ", got " + JsonValues.brief(item));
            }
            ObjectNode key = JsonValues.NODES.objectNode();
            for (String k : list.listMapKeys()) {
                JsonNode v = item.get(k);
                if (v != null && !v.isNull()) {
                    key.set(k, v);
                }
            }
            if (key.isEmpty()) {
                throw new PatchException(path + ": associative list with keys " + list.listMapKeys()
                        + " has an element that omits all key fields: " + JsonValues.brief(item));
            }
            return PathElement.key(key);
        }
        if (item.isContainerNode() && SchemaNav.listType(list) != TypeSchema.ListType.SET) {
            return PathElement.index(index);
        }
        return PathElement.value(JsonValues.canonicalNumber(item));
    }

    private void walk(JsonNode value, TypeSchema schema, FieldSet node, String path) {
        if (value.isObject() && !schema.atomic()) {
            walkObject((ObjectNode) value, schema, node, path);
        } else if (value.isArray() && SchemaNav.listType(schema) != TypeSchema.ListType.ATOMIC) {
            walkList(value, schema, node, path);
        } else {
            node.markMember();
        }
    }

    private void walkObject(ObjectNode object, TypeSchema schema, FieldSet node, String path) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            PathElement pe = PathElement.field(name);
            FieldSet child = node.child(pe);
            walk(v, SchemaNav.child(schema, name), child, path + "." + name);
            if (v.isNull() || (v.isObject() && v.isEmpty()) || !SchemaNav.isNamedField(schema, name)) {
                child.markMember();
            }
            node.dropIfEmpty(pe);
        }
    }

    private void walkList(JsonNode list, TypeSchema schema, FieldSet node, String path) {
        TypeSchema element = SchemaNav.element(schema);
        List<PathElement> elements = new ArrayList<>(list.size());
        Set<PathElement> seen = new HashSet<>();
        Set<PathElement> duplicates = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            PathElement pe = itemElement(list.get(i), schema, i, path);
            elements.add(pe);
            if (!seen.add(pe)) {
                if (rejectDuplicates) {
                    throw new PatchException(path + ": duplicate entries for key " + pe.display());
                }
                duplicates.add(pe);
            }
        }
        for (int i = 0; i < list.size(); i++) {
            PathElement pe = elements.get(i);
            FieldSet child = node.child(pe);
            if (!duplicates.contains(pe)) {
                walk(list.get(i), element, child, path + pe.display());
            }
            child.markMember();
        }
    }
}
