package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Lists with {@code patchStrategy: merge} in a strategic merge patch (strategicpatch's
 * {@code mergeSlice} and {@code mergePatchIntoOriginal}).
 *
 * <p>Lists of maps merge items by {@code patchMergeKey} (an item whose key is not in the original
 * is added, {@code $patch: delete} removes every item with that key, {@code $patch: replace}
 * makes the patch list the whole list); lists of primitives are a set union, minus the values of
 * a {@code $deleteFromPrimitiveList/} list. Order: items named by the patch keep the patch's
 * order, server-only items keep theirs, and the two are interleaved by their positions in the
 * live list; a new item (absent from the live list) is placed before the next server-only item,
 * which is why a merged container without {@code $setElementOrder} lands first. A
 * {@code $setElementOrder/} list takes the patch's place as the order of named items.
 *
 * <p>Every lookup goes through a hash index on the merge key (or the value), so merging is
 * O(n log n) in the list length rather than the reference code's O(n²).
 */
final class StrategicLists {
    private enum Kind { MAPS, SCALARS }

    private StrategicLists() {}

    /**
     * Merges {@code patch} into {@code original} and returns the new list. The items of
     * {@code original} belong to the caller's working copy and may be reused in the result; the
     * patch is only read.
     */
    static ArrayNode merge(ArrayNode original, ArrayNode patch, TypeSchema element, String mergeKey,
                           boolean deleteList, String path) {
        if (original.isEmpty() && patch.isEmpty()) {
            return original.deepCopy();
        }
        Kind kind = kind(path, original, patch);
        List<JsonNode> server = items(original);
        if (kind == Kind.SCALARS) {
            if (deleteList) {
                Set<String> drop = keys(items(patch), JsonValues::key);
                return array(server.stream().filter(v -> !drop.contains(JsonValues.key(v))).toList());
            }
            Map<String, JsonNode> union = new LinkedHashMap<>();
            for (JsonNode v : server) {
                union.putIfAbsent(JsonValues.key(v), v);
            }
            for (JsonNode v : patch) {
                union.putIfAbsent(JsonValues.key(v), v);
            }
            List<JsonNode> patchItems = items(patch);
            return array(order(new ArrayList<>(union.values()), patchItems, server, JsonValues::key));
        }
        if (mergeKey.isEmpty()) {
            throw new PatchException(StrategicMerge.where(path) + "cannot merge lists without merge key for " + path);
        }
        Function<JsonNode, String> key = item -> mergeKeyOf(item, mergeKey, path);
        List<JsonNode> patchItems = new ArrayList<>();
        boolean replace = false;
        Set<String> deleted = new HashSet<>();
        for (JsonNode item : patch) {
            JsonNode directive = item.get(StrategicMerge.PATCH);
            if (directive == null) {
                patchItems.add(item);
                continue;
            }
            switch (directive.asText()) {
                case "delete" -> deleted.add(key.apply(item));
                case "replace" -> replace = true;
                case "merge" -> throw new PatchException(StrategicMerge.where(path)
                        + "merging lists cannot yet be specified in the patch");
                default -> throw new PatchException(StrategicMerge.where(path) + "unknown patch type: "
                        + JsonValues.brief(directive) + " in map: " + JsonValues.brief(item));
            }
        }
        if (replace) {
            List<JsonNode> whole = new ArrayList<>();
            for (JsonNode item : patchItems) {
                whole.add(StrategicMerge.mergeMap(null, (ObjectNode) item, element, path));
            }
            return array(whole);
        }
        if (!deleted.isEmpty()) {
            server = server.stream().filter(item -> !item.has(mergeKey)
                    || !deleted.contains(JsonValues.key(item.get(mergeKey)))).toList();
        }
        List<JsonNode> merged = new ArrayList<>(server.size() + patchItems.size());
        Map<String, Integer> at = new HashMap<>();
        for (JsonNode item : server) {
            if (item.has(mergeKey)) {
                at.putIfAbsent(JsonValues.key(item.get(mergeKey)), merged.size());
            }
            merged.add(item);
        }
        for (JsonNode item : patchItems) {
            String k = key.apply(item);
            Integer i = at.get(k);
            String itemPath = path + "[" + mergeKey + "=" + item.get(mergeKey).asText() + "]";
            if (i != null) {
                merged.set(i, StrategicMerge.mergeMap((ObjectNode) merged.get(i), (ObjectNode) item, element, itemPath));
            } else {
                at.put(k, merged.size());
                merged.add(StrategicMerge.mergeMap(null, (ObjectNode) item, element, itemPath));
            }
        }
        return array(order(merged, patchItems, server, key));
    }

    /**
     * Handles every {@code $setElementOrder/<list>} of one patch map: merges that list and orders
     * it by the directive. Returns the names of the lists it handled (the caller skips them).
     */
    static Set<String> applyElementOrders(ObjectNode original, ObjectNode patch, TypeSchema schema, String path) {
        Set<String> handled = new HashSet<>();
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            if (!e.getKey().startsWith(StrategicMerge.SET_ORDER)) {
                continue;
            }
            String name = e.getKey().substring(StrategicMerge.SET_ORDER.length());
            String listPath = path + "." + name;
            if (name.isEmpty() || !e.getValue().isArray()) {
                throw new PatchException(StrategicMerge.where(path) + "invalid patch: " + e.getKey()
                        + " must name a list and hold a list");
            }
            List<JsonNode> order = items(e.getValue());
            JsonNode live = original.get(name);
            JsonNode patchList = patch.get(name);
            if ((live != null && !live.isArray()) || (patchList != null && !patchList.isArray())) {
                throw new PatchException(StrategicMerge.where(listPath) + e.getKey() + " applies only to a list");
            }
            TypeSchema field = SchemaNav.child(schema, name);
            String mergeKey = field.patchMergeKey() == null ? "" : field.patchMergeKey();
            checkOrderMatchesPatch(patchList, order, mergeKey, listPath);
            ArrayNode merged;
            if (live != null && patchList != null) {
                merged = SchemaNav.strategy(field).equals("merge")
                        ? merge((ArrayNode) live, (ArrayNode) patchList, SchemaNav.element(field), mergeKey, false, listPath)
                        : (ArrayNode) StrategicMerge.clean(patchList, listPath);
            } else if (live != null) {
                merged = (ArrayNode) live;
            } else if (patchList != null) {
                merged = (ArrayNode) StrategicMerge.clean(patchList, listPath);
            } else {
                continue;
            }
            handled.add(name);
            if (merged.isEmpty()) {
                original.set(name, merged);
                continue;
            }
            Function<JsonNode, String> key = mergeKey.isEmpty()
                    ? JsonValues::key
                    : item -> mergeKeyOf(item, mergeKey, listPath);
            List<JsonNode> liveItems = live == null ? List.of() : items(live);
            original.set(name, array(order(items(merged), order, liveItems, key)));
        }
        return handled;
    }

    /**
     * strategicpatch's {@code normalizeElementOrder}: items named in {@code patchOrder} are sorted
     * by it, the rest ("server-only") by {@code serverOrder}; then the server-only items are woven
     * into the patch items where the live list had them.
     */
    private static List<JsonNode> order(List<JsonNode> merged, List<JsonNode> patchOrder, List<JsonNode> serverOrder,
                                        Function<JsonNode, String> key) {
        Map<String, Integer> inPatch = firstIndex(patchOrder, key);
        Map<String, Integer> inServer = firstIndex(serverOrder, key);
        List<JsonNode> named = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode item : merged) {
            (inPatch.containsKey(key.apply(item)) ? named : serverOnly).add(item);
        }
        sortBy(named, inPatch, key);
        sortBy(serverOnly, inServer, key);
        List<JsonNode> out = new ArrayList<>(merged.size());
        int i = 0;
        int j = 0;
        while (i < serverOnly.size() || j < named.size()) {
            if (j >= named.size()) {
                out.add(serverOnly.get(i++));
            } else if (i >= serverOnly.size()) {
                out.add(named.get(j++));
            } else {
                Integer li = inServer.get(key.apply(serverOnly.get(i)));
                Integer ri = inServer.get(key.apply(named.get(j)));
                // A server-only item goes first only when both are in the live list and it came first there.
                out.add(li != null && ri != null && li < ri ? serverOnly.get(i++) : named.get(j++));
            }
        }
        return out;
    }

    /** Stable sort by position in an order list; items the order does not name keep their place at the end. */
    private static void sortBy(List<JsonNode> items, Map<String, Integer> positions, Function<JsonNode, String> key) {
        items.sort((a, b) -> {
            Integer pa = positions.get(key.apply(a));
            Integer pb = positions.get(key.apply(b));
            if (pa == null || pb == null) {
                return pa == null ? (pb == null ? 0 : 1) : -1;
            }
            return Integer.compare(pa, pb);
        });
    }

    /** strategicpatch's {@code validatePatchWithSetOrderList}: patch items must appear in the order list, in order. */
    private static void checkOrderMatchesPatch(JsonNode patchList, List<JsonNode> order, String mergeKey, String path) {
        if (patchList == null || patchList.isEmpty() || order.isEmpty()) {
            return;
        }
        List<JsonNode> named = new ArrayList<>();
        for (JsonNode item : patchList) {
            if (mergeKey.isEmpty() || !item.has(StrategicMerge.PATCH)) {
                named.add(item);
            }
        }
        Function<JsonNode, String> key = mergeKey.isEmpty() ? JsonValues::key : item -> mergeKeyOf(item, mergeKey, path);
        int p = 0;
        int o = 0;
        while (p < named.size() && o < order.size()) {
            if (named.get(p).has(StrategicMerge.PATCH)) {
                p++;
                continue;
            }
            if (key.apply(named.get(p)).equals(key.apply(order.get(o)))) {
                p++;
            }
            o++;
        }
        if (p < named.size()) {
            throw new PatchException(StrategicMerge.where(path) + "the order in patch list " + JsonValues.brief(patchList)
                    + " doesn't match $setElementOrder list " + order);
        }
    }

    private static String mergeKeyOf(JsonNode item, String mergeKey, String path) {
        JsonNode v = item.isObject() ? item.get(mergeKey) : null;
        if (v == null) {
            throw new PatchException(StrategicMerge.where(path) + "map: " + JsonValues.brief(item)
                    + " does not contain declared merge key: " + mergeKey);
        }
        return JsonValues.key(v);
    }

    private static Kind kind(String path, ArrayNode... lists) {
        Kind kind = null;
        for (ArrayNode list : lists) {
            for (JsonNode item : list) {
                if (item.isArray()) {
                    throw new PatchException(StrategicMerge.where(path) + "lists of lists are not supported");
                }
                Kind k = item.isObject() ? Kind.MAPS : Kind.SCALARS;
                if (kind != null && k != kind) {
                    throw new PatchException(StrategicMerge.where(path) + "list element types are not identical: "
                            + JsonValues.brief(lists[0]) + " and " + JsonValues.brief(lists[lists.length - 1]));
                }
                kind = k;
            }
        }
        return kind == null ? Kind.SCALARS : kind;
    }

    private static Map<String, Integer> firstIndex(List<JsonNode> items, Function<JsonNode, String> key) {
        Map<String, Integer> at = HashMap.newHashMap(items.size());
        for (int i = 0; i < items.size(); i++) {
            at.putIfAbsent(key.apply(items.get(i)), i);
        }
        return at;
    }

    private static Set<String> keys(List<JsonNode> items, Function<JsonNode, String> key) {
        Set<String> out = HashSet.newHashSet(items.size());
        items.forEach(v -> out.add(key.apply(v)));
        return out;
    }

    private static List<JsonNode> items(JsonNode list) {
        List<JsonNode> out = new ArrayList<>(list.size());
        list.forEach(out::add);
        return out;
    }

    private static ArrayNode array(List<JsonNode> items) {
        ArrayNode out = JsonValues.NODES.arrayNode(items.size());
        items.forEach(out::add);
        return out;
    }
}
