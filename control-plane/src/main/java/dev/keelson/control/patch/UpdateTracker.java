package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeSchema;
import java.time.Instant;

/**
 * Field ownership for ordinary writes (operation "Update": create, update, JSON/merge/strategic
 * patch): the fields a write added or changed become the writer's and are taken from every other
 * manager; fields it removed are dropped from everyone. Mirrors Kubernetes' field manager,
 * including its two special cases:
 *
 * <ul>
 *   <li>a client may send {@code managedFields} with the object: a non-empty list is taken as the
 *       starting point (that is how ownership is edited), an empty list ({@code []} or
 *       {@code [{}]}) resets tracking;
 *   <li>an existing object with no managedFields is left untracked (Kubernetes does the same,
 *       so that objects written by old clients don't grow entries on every write).
 * </ul>
 */
final class UpdateTracker {
    private UpdateTracker() {}

    static ObjectNode track(ObjectNode old, ObjectNode updated, String manager, TypeSchema schema, Instant now) {
        TypeSchema s = schema == null ? TypeSchema.ANY : schema;
        ObjectNode oldObj = ManagedFields.withoutManagedFields(old);
        ObjectNode result = ManagedFields.withoutManagedFields(updated);
        ManagedFields managed = startingPoint(old, updated);
        if (managed.isEmpty() && old != null) {
            return result;
        }
        ObjectDiff diff;
        try {
            diff = ObjectDiff.compare(oldObj, result, s);
        } catch (PatchException malformed) {
            // The write itself was accepted; ownership stays as it was (Kubernetes' UpdateNoErrors).
            managed.writeTo(result);
            return result;
        }
        FieldSet changed = diff.changed();
        for (ManagedFields.Entry e : managed.entries()) {
            e.fields().removeAll(changed);
            e.fields().removeAll(diff.removed());
        }
        managed.dropEmpty();
        FieldSet mine = ManagedFields.stripMeta(changed);
        if (!mine.isEmpty()) {
            String apiVersion = result.path("apiVersion").asText();
            ManagedFields.Id id = ManagedFields.updateId(manager == null || manager.isEmpty() ? "unknown" : manager,
                    apiVersion);
            ManagedFields.Entry previous = managed.get(id);
            if (previous != null) {
                mine.addAll(previous.fields());
            }
            managed.put(new ManagedFields.Entry(id, apiVersion, now, mine));
        }
        managed.capUpdates();
        managed.writeTo(result);
        return result;
    }

    /** The managed fields the write starts from: the ones sent with it, else the stored ones. */
    private static ManagedFields startingPoint(ObjectNode old, ObjectNode updated) {
        JsonNode sent = updated.path("metadata").get("managedFields");
        if (sent != null && sent.isArray()) {
            if (sent.isEmpty() || (sent.size() == 1 && sent.get(0).isObject() && sent.get(0).isEmpty())) {
                return new ManagedFields();
            }
            try {
                ManagedFields m = ManagedFields.of(updated);
                if (!m.isEmpty()) {
                    return m;
                }
            } catch (PatchException unreadable) {
                // fall back to the stored entries, as Kubernetes does
            }
        }
        try {
            return ManagedFields.of(old);
        } catch (PatchException unreadable) {
            return new ManagedFields();
        }
    }
}
