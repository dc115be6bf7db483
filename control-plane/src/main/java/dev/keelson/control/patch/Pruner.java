package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes what an applier stopped applying (structured-merge-diff's {@code prune}): a field or
 * list item goes when the applier's previous field set had it (or something under it) and no
 * manager, the applier's new set included, owns it or anything under it now. Fields nobody ever
 * applied (defaults, fields written by updates) stay.
 */
final class Pruner {
    private Pruner() {}

    /**
     * @param merged the merged object, changed in place
     * @param last the applier's previous field set
     * @param owned every manager's fields after this apply, the applier's new set included
     */
    static void prune(ObjectNode merged, TypeSchema schema, FieldSet last, FieldSet owned) {
        pruneObject(merged, schema, last, owned, "");
    }

    private static void pruneObject(ObjectNode object, TypeSchema schema, FieldSet last, FieldSet owned, String path) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            PathElement pe = PathElement.field(name);
            if (!keep(object.get(name), SchemaNav.child(schema, name), last.get(pe), owned.get(pe), path + "." + name)) {
                object.remove(name);
            }
        }
    }

    /** Prunes inside one value; false when the value itself is to go. */
    private static boolean keep(JsonNode value, TypeSchema schema, FieldSet last, FieldSet owned, String path) {
        if (last == null) {
            return true; // never applied by this manager
        }
        if (owned == null) {
            return false;
        }
        if (!last.hasChildren() || !owned.hasChildren() && !owned.isMember()) {
            return true;
        }
        boolean wasEmpty = value.isEmpty();
        if (value.isObject() && !schema.atomic()) {
            pruneObject((ObjectNode) value, schema, last, owned, path);
        } else if (value.isArray() && SchemaNav.listType(schema) != TypeSchema.ListType.ATOMIC) {
            pruneList((ArrayNode) value, schema, last, owned, path);
        }
        // A map or list emptied by pruning goes too, unless someone owns it as such.
        return wasEmpty || !value.isContainerNode() || !value.isEmpty() || owned.isMember();
    }

    private static void pruneList(ArrayNode list, TypeSchema schema, FieldSet last, FieldSet owned, String path) {
        TypeSchema element = SchemaNav.element(schema);
        List<JsonNode> kept = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            PathElement pe = ObjectFields.itemElement(list.get(i), schema, i, path);
            if (keep(list.get(i), element, last.get(pe), owned.get(pe), path + pe.display())) {
                kept.add(list.get(i));
            }
        }
        if (kept.size() != list.size()) {
            list.removeAll();
            list.addAll(kept);
        }
    }
}
