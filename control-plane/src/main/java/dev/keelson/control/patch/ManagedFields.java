package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An object's {@code metadata.managedFields}: one entry per manager identity, each with the set
 * of fields it owns. An identity is the manager name plus the operation, plus the API version for
 * Update entries (Apply entries keep one identity across versions, as in Kubernetes).
 */
final class ManagedFields {
    static final String APPLY = "Apply";
    static final String UPDATE = "Update";
    /** Kubernetes' cap on Update entries; older ones are folded into "ancient-changes". */
    static final int MAX_UPDATE_MANAGERS = 10;

    /** The paths no manager ever owns (Kubernetes' stripMeta set); their descendants are not affected. */
    private static final List<List<PathElement>> NEVER_OWNED = List.of(
            path("apiVersion"), path("kind"), path("metadata"), path("metadata", "name"),
            path("metadata", "namespace"), path("metadata", "creationTimestamp"), path("metadata", "selfLink"),
            path("metadata", "uid"), path("metadata", "clusterName"), path("metadata", "generation"),
            path("metadata", "managedFields"), path("metadata", "resourceVersion"));

    /** @param apiVersion empty for Apply entries */
    record Id(String manager, String operation, String apiVersion, String subresource) {}

    /** One managedFields entry; {@code time} may be null. */
    record Entry(Id id, String apiVersion, Instant time, FieldSet fields) {}

    private final Map<Id, Entry> entries = new LinkedHashMap<>();

    static Id applyId(String manager) {
        return new Id(manager, APPLY, "", "");
    }

    static Id updateId(String manager, String apiVersion) {
        return new Id(manager, UPDATE, apiVersion, "");
    }

    /** Reads {@code metadata.managedFields} of an object. @throws PatchException if malformed */
    static ManagedFields of(JsonNode object) {
        ManagedFields m = new ManagedFields();
        JsonNode list = object == null ? null : object.path("metadata").get("managedFields");
        if (list == null || list.isNull()) {
            return m;
        }
        if (!list.isArray()) {
            throw new PatchException("metadata.managedFields must be a list");
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            String operation = e.path("operation").asText();
            String apiVersion = e.path("apiVersion").asText();
            if (!operation.equals(APPLY) && !operation.equals(UPDATE)) {
                throw new PatchException("metadata.managedFields[" + i + "].operation must be `Apply` or `Update`");
            }
            if (apiVersion.isEmpty()) {
                throw new PatchException("metadata.managedFields[" + i + "].apiVersion must not be empty");
            }
            if (!e.path("fieldsType").asText().equals("FieldsV1")) {
                throw new PatchException("metadata.managedFields[" + i + "].fieldsType must be \"FieldsV1\"");
            }
            Id id = new Id(e.path("manager").asText(), operation, operation.equals(APPLY) ? "" : apiVersion,
                    e.path("subresource").asText());
            m.entries.put(id, new Entry(id, apiVersion, time(e.get("time")), FieldsV1.decode(e.get("fieldsV1"))));
        }
        return m;
    }

    private static Instant time(JsonNode t) {
        if (t == null || t.isNull()) {
            return null;
        }
        try {
            return Instant.parse(t.asText());
        } catch (DateTimeParseException e) {
            throw new PatchException("metadata.managedFields: invalid time " + t);
        }
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    Entry get(Id id) {
        return entries.get(id);
    }

    void put(Entry e) {
        entries.put(e.id(), e);
    }

    void remove(Id id) {
        entries.remove(id);
    }

    Iterable<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** The union of every manager's fields. */
    FieldSet owned() {
        FieldSet all = new FieldSet();
        entries.values().forEach(e -> all.addAll(e.fields()));
        return all;
    }

    /** Drops entries that own nothing. */
    void dropEmpty() {
        entries.values().removeIf(e -> e.fields().isEmpty());
    }

    /** Removes the never-owned metadata paths from a field set (in place) and returns it. */
    static FieldSet stripMeta(FieldSet s) {
        NEVER_OWNED.forEach(s::removeMember);
        return s;
    }

    /** Folds the oldest Update entries into per-version "ancient-changes" entries beyond the cap. */
    void capUpdates() {
        List<Entry> updaters = new ArrayList<>(entries.values().stream().filter(e -> e.id().operation().equals(UPDATE)).toList());
        if (updaters.size() <= MAX_UPDATE_MANAGERS) {
            return;
        }
        updaters.sort(Comparator.comparingLong((Entry e) -> seconds(e.time())).thenComparing(e -> e.id().toString()));
        Map<String, Id> firstOfVersion = new HashMap<>();
        int count = updaters.size();
        for (Iterator<Entry> it = updaters.iterator(); it.hasNext() && count > MAX_UPDATE_MANAGERS; ) {
            Entry e = it.next();
            Id first = firstOfVersion.putIfAbsent(e.apiVersion(), e.id());
            if (first == null) {
                continue;
            }
            Id bucket = updateId("ancient-changes", e.apiVersion());
            FieldSet merged = entries.containsKey(bucket) ? entries.get(bucket).fields() : entries.remove(first).fields();
            merged.addAll(e.fields());
            entries.remove(e.id());
            entries.put(bucket, new Entry(bucket, e.apiVersion(), e.time(), merged));
            count--;
        }
    }

    /** The {@code managedFields} list, sorted as Kubernetes sorts it (operation, time, manager, version). */
    ArrayNode encode() {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparing((Entry e) -> e.id().operation())
                .thenComparingLong(e -> seconds(e.time()))
                .thenComparing(e -> e.id().manager())
                .thenComparing(Entry::apiVersion)
                .thenComparing(e -> e.id().subresource()));
        ArrayNode out = JsonValues.NODES.arrayNode(sorted.size());
        for (Entry e : sorted) {
            ObjectNode o = out.addObject();
            o.put("manager", e.id().manager());
            o.put("operation", e.id().operation());
            o.put("apiVersion", e.apiVersion());
            if (e.time() != null) {
                o.put("time", e.time().truncatedTo(ChronoUnit.SECONDS).toString());
            }
            o.put("fieldsType", "FieldsV1");
            o.set("fieldsV1", FieldsV1.encode(e.fields()));
            if (!e.id().subresource().isEmpty()) {
                o.put("subresource", e.id().subresource());
            }
        }
        return out;
    }

    /** Writes the entries into {@code object.metadata.managedFields} (removing it when there are none). */
    void writeTo(ObjectNode object) {
        JsonNode meta = object.get("metadata");
        if (entries.isEmpty()) {
            if (meta instanceof ObjectNode m) {
                m.remove("managedFields");
            }
            return;
        }
        ObjectNode m = meta instanceof ObjectNode o ? o : object.putObject("metadata");
        m.set("managedFields", encode());
    }

    /** A copy of an object without {@code metadata.managedFields}, which never takes part in merging or diffing. */
    static ObjectNode withoutManagedFields(JsonNode object) {
        ObjectNode copy = object == null || !object.isObject() ? JsonValues.NODES.objectNode() : (ObjectNode) object.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode m) {
            m.remove("managedFields");
        }
        return copy;
    }

    private static long seconds(Instant t) {
        return t == null ? 0 : t.getEpochSecond();
    }

    private static List<PathElement> path(String... names) {
        List<PathElement> p = new ArrayList<>();
        for (String n : names) {
            p.add(PathElement.field(n));
        }
        return List.copyOf(p);
    }
}
