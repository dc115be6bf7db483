package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Server-side apply of one configuration by one field manager, the way Kubernetes' field manager
 * stack does it on structured-merge-diff:
 *
 * <pre>
 *   live has no managedFields ──▶ "before-first-apply" (Update) owns everything live has
 *   merged = live ⊕ config                         (ApplyMerge)
 *   manager's set := fields the config spells out  (ObjectFields)
 *   prune what the manager applied last time but no longer does, unless someone owns it
 *   other managers owning a field whose value changed ──▶ conflict (409), or with force they lose it
 *   fields that disappeared are dropped from every other manager
 * </pre>
 */
final class ServerSideApply {
    private static final String BEFORE_FIRST_APPLY = "before-first-apply";

    private ServerSideApply() {}

    static ObjectNode apply(ObjectNode live, ObjectNode applied, String manager, boolean force, TypeSchema schema,
                            Instant now) {
        if (applied == null) {
            throw new PatchException("server-side apply needs an object to apply");
        }
        if (manager == null || manager.isEmpty()) {
            throw new PatchException("PATCH requests of type apply must have a field manager");
        }
        JsonNode sentManaged = applied.path("metadata").get("managedFields");
        if (sentManaged != null && !sentManaged.isNull()) {
            throw new PatchException("metadata.managedFields must be nil");
        }
        TypeSchema s = schema == null ? TypeSchema.ANY : schema;
        ObjectNode liveObj = ManagedFields.withoutManagedFields(live);
        ManagedFields managed = ManagedFields.of(live);
        String apiVersion = applied.path("apiVersion").asText(liveObj.path("apiVersion").asText());

        if (managed.isEmpty() && live != null) {
            // Fields that predate any tracking belong to a placeholder Update manager, so an apply
            // can neither silently take them over nor prune them.
            FieldSet before = ManagedFields.stripMeta(ObjectDiff.compare(JsonValues.NODES.objectNode(), liveObj, s).changed());
            if (!before.isEmpty()) {
                ManagedFields.Id id = ManagedFields.updateId(BEFORE_FIRST_APPLY, apiVersion);
                managed.put(new ManagedFields.Entry(id, apiVersion, null, before));
            }
        }

        FieldSet applySet = ObjectFields.of(applied, s, true);
        ObjectNode merged = (ObjectNode) ApplyMerge.merge(liveObj.deepCopy(), applied, s, "");
        ManagedFields.Id id = ManagedFields.applyId(manager);
        ManagedFields.Entry previous = managed.get(id);
        managed.put(new ManagedFields.Entry(id, apiVersion, previous == null ? null : previous.time(), applySet));
        if (previous != null && !previous.fields().isEmpty()) {
            Pruner.prune(merged, s, previous.fields(), managed.owned());
        }

        ObjectDiff diff = ObjectDiff.compare(liveObj, merged, s);
        FieldSet changed = diff.changed();
        List<ApplyConflictException.Conflict> conflicts = new ArrayList<>();
        List<FieldSet> lost = new ArrayList<>();
        for (ManagedFields.Entry e : managed.entries()) {
            if (e.id().equals(id)) {
                continue;
            }
            FieldSet taken = e.fields().intersect(changed);
            taken.forEachMember((path, n) -> conflicts.add(new ApplyConflictException.Conflict(
                    FieldSet.display(path), e.id().manager())));
            lost.add(taken);
        }
        if (!force && !conflicts.isEmpty()) {
            conflicts.sort(Comparator.comparing(ApplyConflictException.Conflict::manager));
            throw new ApplyConflictException(conflicts);
        }
        int i = 0;
        for (ManagedFields.Entry e : managed.entries()) {
            if (e.id().equals(id)) {
                continue;
            }
            e.fields().removeAll(lost.get(i++));
            e.fields().removeAll(diff.removed());
        }
        ManagedFields.stripMeta(applySet);
        boolean objectChanged = live == null || !JsonValues.equal(liveObj, merged);
        managed.put(new ManagedFields.Entry(id, apiVersion,
                objectChanged || previous == null || previous.time() == null ? now : previous.time(), applySet));
        managed.dropEmpty();
        managed.writeTo(merged);
        return merged;
    }
}
