package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeSchema;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges an applied configuration into the live object (structured-merge-diff's {@code Merge}):
 * maps merge key by key, map- and set-type lists merge item by item, everything else (scalars,
 * atomic lists, atomic maps) is replaced by the configuration. A null in the configuration
 * removes the field.
 *
 * <p>Merged list order: the configuration's items in its order, with live-only items kept where
 * they were relative to the items around them.
 */
final class ApplyMerge {
    private ApplyMerge() {}

    /**
     * @param live owned by the caller; reused and changed in place
     * @param config only read
     * @return the merged value, or null when the field is to be removed
     */
    static JsonNode merge(JsonNode live, JsonNode config, TypeSchema schema, String path) {
        if (config == null) {
            return live;
        }
        if (config.isNull()) {
            return null;
        }
        if (live == null || live.isNull()) {
            return withoutNulls(config);
        }
        boolean bothEmpty = live.isEmpty() && config.isEmpty();
        if (live.isObject() && config.isObject() && !schema.atomic() && !bothEmpty) {
            ObjectNode out = (ObjectNode) live;
            for (Map.Entry<String, JsonNode> e : config.properties()) {
                String name = e.getKey();
                JsonNode merged = merge(out.get(name), e.getValue(), SchemaNav.child(schema, name), path + "." + name);
                if (merged == null) {
                    out.remove(name);
                } else {
                    out.set(name, merged);
                }
            }
            return out;
        }
        if (live.isArray() && config.isArray() && SchemaNav.listType(schema) != TypeSchema.ListType.ATOMIC
                && !bothEmpty) {
            return mergeList((ArrayNode) live, (ArrayNode) config, schema, path);
        }
        return withoutNulls(config);
    }

    /**
     * Walks both lists at once: items in both are merged in the configuration's order, live-only
     * items are emitted where they stand, configuration-only items where they stand in it.
     */
    private static ArrayNode mergeList(ArrayNode live, ArrayNode config, TypeSchema schema, String path) {
        TypeSchema element = SchemaNav.element(schema);
        List<PathElement> lKeys = keys(live, schema, path);
        List<PathElement> rKeys = keys(config, schema, path);
        Map<PathElement, Integer> lAt = new HashMap<>();
        for (int i = 0; i < lKeys.size(); i++) {
            lAt.putIfAbsent(lKeys.get(i), i);
        }
        Map<PathElement, Integer> rAt = new HashMap<>();
        ArrayDeque<PathElement> shared = new ArrayDeque<>();
        for (int i = 0; i < rKeys.size(); i++) {
            rAt.put(rKeys.get(i), i);
            if (lAt.containsKey(rKeys.get(i))) {
                shared.add(rKeys.get(i));
            }
        }
        Set<PathElement> done = new HashSet<>();
        ArrayNode out = JsonValues.NODES.arrayNode(Math.max(live.size(), config.size()));
        PathElement nextShared = shared.poll();
        int l = 0;
        int r = 0;
        while (l < lKeys.size() || r < rKeys.size()) {
            if (l < lKeys.size() && r < rKeys.size()) {
                PathElement pe = lKeys.get(l);
                if (pe.equals(rKeys.get(r))) {
                    done.add(pe);
                    add(out, merge(live.get(l), config.get(r), element, path + pe.display()));
                    l++;
                    r++;
                    nextShared = shared.poll();
                    continue;
                }
                if (rAt.containsKey(pe) && nextShared != null && !nextShared.equals(pe)) {
                    l++; // a shared item whose turn (in the configuration's order) has not come
                    continue;
                }
            }
            if (l < lKeys.size()) {
                PathElement pe = lKeys.get(l);
                if (!rAt.containsKey(pe)) {
                    out.add(live.get(l));
                    l++;
                    continue;
                } else if (done.contains(pe)) {
                    l++;
                }
            }
            if (r < rKeys.size()) {
                PathElement pe = rKeys.get(r);
                done.add(pe);
                Integer li = lAt.get(pe);
                add(out, merge(li == null ? null : live.get(li), config.get(r), element, path + pe.display()));
                r++;
                if (pe.equals(nextShared)) {
                    nextShared = shared.poll();
                }
            }
        }
        return out;
    }

    private static List<PathElement> keys(ArrayNode list, TypeSchema schema, String path) {
        List<PathElement> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(ObjectFields.itemElement(list.get(i), schema, i, path));
        }
        return out;
    }

    private static void add(ArrayNode out, JsonNode item) {
        if (item != null) {
            out.add(item);
        }
    }

    /** A copy without null object members (they mean "unset", and there is nothing to unset here). */
    static JsonNode withoutNulls(JsonNode v) {
        if (v.isObject()) {
            ObjectNode out = JsonValues.NODES.objectNode();
            v.properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    out.set(e.getKey(), withoutNulls(e.getValue()));
                }
            });
            return out;
        }
        if (v.isArray()) {
            ArrayNode out = JsonValues.NODES.arrayNode(v.size());
            v.forEach(item -> out.add(withoutNulls(item)));
            return out;
        }
        return v.deepCopy();
    }
}
