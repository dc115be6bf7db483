package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.storage.Stored;

/**
 * PUT of an object or of its {@code status}/{@code finalize} subresource. Writers of the main
 * resource cannot change status; writers of status change nothing else (Kubernetes' split between
 * spec owners and controllers).
 */
final class UpdateHandler {
    private final ObjectWriter writer;

    UpdateHandler(ObjectWriter writer) {
        this.writer = writer;
    }

    ObjectNode update(ResourceType type, String namespace, String name, String subresource, ObjectNode body,
                      WriteOptions options) {
        checkIdentity(type, namespace, name, body);
        String rv = body.path("metadata").path("resourceVersion").asText("");
        if (!rv.isEmpty()) {
            ListOptions.parseRevision(rv);
        }
        return writer.update(type, namespace, name, current -> {
            requireVersion(type, name, rv, current);
            return merge(type, subresource, current.object(), body.deepCopy());
        }, options);
    }

    /** A 409 when the body was read at another revision than what is stored now. */
    static void requireVersion(ResourceType type, String name, String rv, Stored current) {
        if (!rv.isEmpty() && !rv.equals(Long.toString(current.modRevision()))) {
            throw ApiException.conflict(type, name);
        }
    }

    /** The URL names the object; a body naming another is a 400. */
    static void checkIdentity(ResourceType type, String namespace, String name, ObjectNode body) {
        ObjectNode meta = Meta.metadata(body);
        String bodyName = meta.path("name").asText("");
        if (bodyName.isEmpty()) {
            meta.put("name", name);
        } else if (!bodyName.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + bodyName + ") does not match the name on the URL ("
                    + name + ")");
        }
        if (type.namespaced()) {
            String ns = meta.path("namespace").asText("");
            if (!ns.isEmpty() && !ns.equals(namespace)) {
                throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent "
                        + "on the request");
            }
        }
    }

    /** The next object: {@code proposed} limited to what this (sub)resource may change. */
    static ObjectNode merge(ResourceType type, String subresource, ObjectNode old, ObjectNode proposed) {
        if (subresource == null) {
            if (type.hasStatus()) {
                copy(old, proposed, "status");
            }
            if (KindRules.isCore(type, "namespaces")) {
                // spec.finalizers belong to the namespace controller (the finalize subresource).
                ObjectNode spec = proposed.withObjectProperty("spec");
                copy(old.path("spec"), spec, "finalizers");
            }
            if (!proposed.path("metadata").has("managedFields") && old.path("metadata").has("managedFields")) {
                Meta.metadata(proposed).set("managedFields", old.path("metadata").get("managedFields").deepCopy());
            }
            return proposed;
        }
        ObjectNode next = old.deepCopy();
        if (subresource.equals("status")) {
            copy(proposed, next, "status");
        } else if (subresource.equals("finalize")) {
            copy(proposed.path("spec"), next.withObjectProperty("spec"), "finalizers");
        }
        return next;
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v == null || v.isNull()) {
            to.remove(field);
        } else {
            to.set(field, v.deepCopy());
        }
    }
}
