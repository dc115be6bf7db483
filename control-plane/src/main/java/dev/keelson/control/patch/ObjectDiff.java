package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.schema.TypeSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which fields an update added, modified and removed (structured-merge-diff's {@code Compare}).
 * Leaves (scalars, atomic lists and maps) are compared by value; an added or removed subtree
 * lists the subtree's root and everything under it. A struct field that holds an object is never
 * itself added or removed: Go objects always carry such fields (as zero values), so Kubernetes
 * reports only their contents, and so do we.
 *
 * @param added fields only the new object has
 * @param modified leaves present in both with different values
 * @param removed fields only the old object has
 */
record ObjectDiff(FieldSet added, FieldSet modified, FieldSet removed) {

    static ObjectDiff compare(JsonNode older, JsonNode newer, TypeSchema schema) {
        ObjectDiff d = new ObjectDiff(new FieldSet(), new FieldSet(), new FieldSet());
        d.walk(older, newer, schema, new ArrayList<>(), "");
        return d;
    }

    /** Added plus modified: what a writer changed. */
    FieldSet changed() {
        FieldSet out = added.copy();
        out.addAll(modified);
        return out;
    }

    private void walk(JsonNode l, JsonNode r, TypeSchema schema, List<PathElement> path, String where) {
        boolean objects = (l == null || l.isObject()) && (r == null || r.isObject());
        boolean lists = (l == null || l.isArray()) && (r == null || r.isArray());
        boolean bothEmpty = JsonValues.isEmptyContainer(l) && JsonValues.isEmptyContainer(r);
        if (objects && !schema.atomic() && !bothEmpty) {
            Map<String, JsonNode[]> members = new LinkedHashMap<>();
            if (l != null) {
                l.properties().forEach(e -> members.computeIfAbsent(e.getKey(), k -> new JsonNode[2])[0] = e.getValue());
            }
            if (r != null) {
                r.properties().forEach(e -> members.computeIfAbsent(e.getKey(), k -> new JsonNode[2])[1] = e.getValue());
            }
            for (Map.Entry<String, JsonNode[]> e : members.entrySet()) {
                String name = e.getKey();
                JsonNode lv = e.getValue()[0];
                JsonNode rv = e.getValue()[1];
                if (SchemaNav.isStructField(schema, name)) {
                    // Go structs have their struct fields always (zero-valued): compare with {}.
                    lv = lv == null && rv != null && rv.isObject() ? JsonValues.NODES.objectNode() : lv;
                    rv = rv == null && lv != null && lv.isObject() ? JsonValues.NODES.objectNode() : rv;
                }
                path.add(PathElement.field(name));
                walk(lv, rv, SchemaNav.child(schema, name), path, where + "." + name);
                path.removeLast();
            }
            markSubtree(l, r, path);
        } else if (lists && SchemaNav.listType(schema) != TypeSchema.ListType.ATOMIC && !bothEmpty) {
            Map<PathElement, JsonNode[]> items = new LinkedHashMap<>();
            index(l, 0, schema, items, where);
            index(r, 1, schema, items, where);
            TypeSchema element = SchemaNav.element(schema);
            for (Map.Entry<PathElement, JsonNode[]> e : items.entrySet()) {
                path.add(e.getKey());
                walk(e.getValue()[0], e.getValue()[1], element, path, where + e.getKey().display());
                path.removeLast();
            }
            markSubtree(l, r, path);
        } else if (l == null) {
            added.insert(path);
        } else if (r == null) {
            removed.insert(path);
        } else if (!JsonValues.equal(l, r)) {
            modified.insert(path);
        }
    }

    private static void index(JsonNode list, int side, TypeSchema schema, Map<PathElement, JsonNode[]> items, String where) {
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            PathElement pe = ObjectFields.itemElement(list.get(i), schema, i, where);
            JsonNode[] pair = items.computeIfAbsent(pe, k -> new JsonNode[2]);
            if (pair[side] == null) {
                pair[side] = list.get(i);
            }
        }
    }

    private void markSubtree(JsonNode l, JsonNode r, List<PathElement> path) {
        if (l == null) {
            added.insert(path);
        } else if (r == null) {
            removed.insert(path);
        }
    }
}
