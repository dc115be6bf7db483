package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceType;
import java.util.List;

/** POST to a collection: names, metadata the server owns, namespace checks, then {@link ObjectWriter#create}. */
final class CreateHandler {
    private final ObjectWriter writer;
    private final NamespaceGuard namespaces;

    CreateHandler(ObjectWriter writer, NamespaceGuard namespaces) {
        this.writer = writer;
        this.namespaces = namespaces;
    }

    /** Creates {@code body} (already decoded, kind checked) in {@code namespace} (null for cluster scope). */
    ObjectNode create(ResourceType type, String namespace, ObjectNode body, WriteOptions options) {
        ObjectNode meta = Meta.metadata(body);
        if (type.namespaced()) {
            String inBody = meta.path("namespace").asText("");
            if (namespace == null || namespace.isEmpty()) {
                namespace = inBody.isEmpty() ? "default" : inBody;
            }
            if (!inBody.isEmpty() && !inBody.equals(namespace)) {
                throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent "
                        + "on the request");
            }
            meta.put("namespace", namespace);
        } else {
            meta.remove("namespace");
        }
        if (meta.hasNonNull("resourceVersion") && !meta.path("resourceVersion").asText().isEmpty()) {
            throw ApiException.badRequest("resourceVersion should not be set on objects to be created");
        }
        String generate = meta.path("generateName").asText("");
        boolean generated = meta.path("name").asText("").isEmpty() && !generate.isEmpty();
        if (type.namespaced()) {
            namespaces.requireWritable(namespace);
        }
        for (String f : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                "generation", "selfLink")) {
            meta.remove(f);
        }
        meta.put("uid", Meta.uid());
        meta.put("creationTimestamp", Meta.timestamp(writer.clock().instant()));
        if (type.generational()) {
            meta.put("generation", 1);
        }
        KindRules.prepareForCreate(type, body);
        for (int attempt = 0; ; attempt++) {
            if (generated) {
                meta.put("name", Meta.generateName(generate));
            }
            try {
                return writer.create(type, body, options);
            } catch (ApiException e) {
                // A generated name that collides is retried with new random characters.
                if (!generated || !e.reason().equals("AlreadyExists") || attempt >= 8) {
                    throw e;
                }
            }
        }
    }
}
