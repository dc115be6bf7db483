package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.patch.ApplyConflictException;
import dev.keelson.control.patch.PatchException;
import dev.keelson.control.patch.Patches;
import dev.keelson.control.schema.Schemas;
import dev.keelson.control.schema.TypeSchema;

/**
 * PATCH, dispatched by Content-Type to the four flavours of {@link Patches}. The patched object
 * then takes the same path as an update (status rules, generation, validation, optimistic
 * concurrency): a patch that carries a resourceVersion is a precondition, one that does not is
 * re-applied if the object changed underneath it. Server-side apply creates absent objects.
 */
final class PatchHandler {
    /** The patched object and whether apply created it (201). */
    record Result(ObjectNode object, boolean created) {}

    private static final java.util.Set<String> FLAVOURS = java.util.Set.of("application/json-patch+json",
            "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml");
    private final ObjectWriter writer;
    private final CreateHandler creator;

    PatchHandler(ObjectWriter writer, CreateHandler creator) {
        this.writer = writer;
        this.creator = creator;
    }

    Result patch(ResourceType type, String namespace, String name, String subresource, ApiRequest request,
                 WriteOptions options) {
        String flavour = request.contentType();
        if (!FLAVOURS.contains(flavour)) {
            throw ApiException.unsupportedMediaType(flavour);
        }
        TypeSchema schema = Schemas.of(type.apiVersion(), type.kind());
        JsonNode patch = parse(request, flavour);
        try {
            if (flavour.equals("application/apply-patch+yaml")) {
                return apply(type, namespace, name, subresource, patch, schema, request, options);
            }
            ObjectNode out = writer.update(type, namespace, name, current ->
                    next(type, name, subresource, current, document(flavour, current.object(), patch, schema)), options);
            return new Result(out, false);
        } catch (ApplyConflictException e) {
            throw conflicts(type, name, e);
        } catch (PatchException e) {
            throw new ApiException(422, "Invalid", e.getMessage(), null);
        } catch (UnsupportedOperationException e) {
            throw ApiException.internal(e.getMessage());
        }
    }

    /** Applies a JSON, merge or strategic merge patch to a document (apply patches are not documents). */
    static JsonNode document(String flavour, JsonNode target, JsonNode patch, TypeSchema schema) {
        return switch (flavour) {
            case "application/json-patch+json" -> Patches.jsonPatch(target, patch);
            case "application/merge-patch+json" -> Patches.mergePatch(target, patch);
            case "application/strategic-merge-patch+json" -> Patches.strategicMergePatch(target, patch, schema);
            default -> throw ApiException.unsupportedMediaType(flavour);
        };
    }

    /** Parses a patch body of a document flavour, translating patch failures into Status errors. */
    static JsonNode patchOf(ApiRequest request) {
        String flavour = request.contentType();
        if (!FLAVOURS.contains(flavour) || flavour.equals("application/apply-patch+yaml")) {
            throw ApiException.unsupportedMediaType(flavour);
        }
        return parse(request, flavour);
    }

    /** Runs a patch step, turning the patch package's exceptions into Status errors. */
    static <T> T guarded(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (PatchException e) {
            throw new ApiException(422, "Invalid", e.getMessage(), null);
        } catch (UnsupportedOperationException e) {
            throw ApiException.internal(e.getMessage());
        }
    }

    private Result apply(ResourceType type, String namespace, String name, String subresource, JsonNode patch,
                         TypeSchema schema, ApiRequest request, WriteOptions options) {
        if (request.param("fieldManager") == null || request.param("fieldManager").isEmpty()) {
            throw new ApiException(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required "
                    + "value: is required for apply patch", null);
        }
        if (!(patch instanceof ObjectNode applied)) {
            throw ApiException.badRequest("an apply patch must be an object");
        }
        Bodies.expectKind(applied, type);
        UpdateHandler.checkIdentity(type, namespace, name, applied);
        WriteOptions o = options.asApplied();
        for (int attempt = 0; attempt < 4; attempt++) {
            if (writer.storage().get(type, namespace, name).isEmpty()) {
                if (subresource != null) {
                    throw ApiException.notFound(type, name);
                }
                ObjectNode created = Patches.apply(null, applied, options.fieldManager(), options.force(), schema,
                        writer.clock().instant());
                try {
                    return new Result(creator.create(type, namespace, created, o), true);
                } catch (ApiException e) {
                    if (!e.reason().equals("AlreadyExists")) {
                        throw e;
                    }
                    continue; // created concurrently: apply to it instead
                }
            }
            try {
                ObjectNode out = writer.update(type, namespace, name, current -> {
                    ObjectNode merged = Patches.apply(current.object(), applied, options.fieldManager(),
                            options.force(), schema, writer.clock().instant());
                    return next(type, name, subresource, current, merged);
                }, o);
                return new Result(out, false);
            } catch (ApiException e) {
                if (!e.reason().equals("NotFound")) {
                    throw e;
                }
            }
        }
        throw ApiException.conflict(type, name);
    }

    private static ObjectNode next(ResourceType type, String name, String subresource,
                                   dev.keelson.control.api.storage.Stored current, JsonNode patched) {
        if (!(patched instanceof ObjectNode o)) {
            throw ApiException.badRequest("the patched object is not an object");
        }
        String rv = o.path("metadata").path("resourceVersion").asText("");
        UpdateHandler.requireVersion(type, name, rv, current);
        if (!Meta.name(o).equals(name)) {
            throw ApiException.badRequest("metadata.name: Invalid value: \"" + Meta.name(o) + "\": field is immutable");
        }
        return UpdateHandler.merge(type, subresource, current.object(), o.deepCopy());
    }

    private static JsonNode parse(ApiRequest request, String flavour) {
        if (request.body() == null || request.body().length == 0) {
            throw ApiException.badRequest("the patch body is empty");
        }
        try {
            return flavour.equals("application/apply-patch+yaml") ? Json.parseYaml(request.body())
                    : Json.parse(request.body());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("the patch could not be decoded: " + e.getMessage());
        }
    }

    private static ApiException conflicts(ResourceType type, String name, ApplyConflictException e) {
        ObjectNode d = Json.object().put("name", name);
        if (!type.group().isEmpty()) {
            d.put("group", type.group());
        }
        d.put("kind", type.resource());
        var causes = d.putArray("causes");
        for (ApplyConflictException.Conflict c : e.conflicts()) {
            causes.addObject().put("reason", "FieldManagerConflict")
                    .put("message", "conflict with \"" + c.manager() + "\"").put("field", c.field());
        }
        return new ApiException(409, "Conflict", e.getMessage(), d);
    }
}
