package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeSchema;
import java.time.Instant;

/**
 * Entry points of the four patch flavours the API server accepts. Inputs are never modified; each
 * returns a new tree.
 */
public final class Patches {
    private Patches() {}

    /** RFC 7386 JSON merge patch ({@code application/merge-patch+json}). */
    public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        return JsonMergePatch.apply(target, patch);
    }

    /** RFC 6902 JSON patch ({@code application/json-patch+json}). @throws PatchException */
    public static JsonNode jsonPatch(JsonNode target, JsonNode operations) {
        return JsonPatch.apply(target, operations);
    }

    /**
     * Kubernetes strategic merge patch ({@code application/strategic-merge-patch+json}) with
     * patchMergeKey lists, {@code $patch}, {@code $setElementOrder/…}, {@code $retainKeys},
     * {@code $deleteFromPrimitiveList/…}. @throws PatchException
     */
    public static JsonNode strategicMergePatch(JsonNode original, JsonNode patch, TypeSchema schema) {
        return StrategicMerge.apply(original, patch, schema);
    }

    /**
     * Server-side apply ({@code application/apply-patch+yaml}): merges {@code applied} into
     * {@code live} (null = create) owning the applied fields for {@code manager}, and returns the
     * object with updated {@code metadata.managedFields}.
     *
     * @throws ApplyConflictException when another manager owns a field with a different value and
     *     {@code force} is false
     */
    public static ObjectNode apply(ObjectNode live, ObjectNode applied, String manager, boolean force,
                                   TypeSchema schema, Instant now) {
        return ServerSideApply.apply(live, applied, manager, force, schema, now);
    }

    /**
     * Records an ordinary write (create/update/patch, operation "Update") by {@code manager} in
     * {@code updated}'s {@code metadata.managedFields}: the fields it changed against {@code old}
     * (null = create) become its own and are taken away from other managers.
     */
    public static ObjectNode trackUpdate(ObjectNode old, ObjectNode updated, String manager,
                                         TypeSchema schema, Instant now) {
        return UpdateTracker.track(old, updated, manager, schema, now);
    }
}
