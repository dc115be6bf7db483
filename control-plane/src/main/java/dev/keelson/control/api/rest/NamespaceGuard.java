package dev.keelson.control.api.rest;

import dev.keelson.control.api.registry.ResourceRegistry;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.storage.ResourceStorage;
import dev.keelson.control.api.storage.Stored;

/** Namespaced objects may only be created in a namespace that exists and is not terminating. */
final class NamespaceGuard {
    private final ResourceStorage storage;
    private final ResourceType namespaces;

    NamespaceGuard(ResourceStorage storage, ResourceRegistry registry) {
        this.storage = storage;
        this.namespaces = registry.find("", "v1", "namespaces").orElseThrow();
    }

    void requireWritable(String namespace) {
        Stored ns = storage.get(namespaces, null, namespace).orElseThrow(() -> ApiException.notFound(namespaces, namespace));
        if (Meta.deleting(ns.object()) || "Terminating".equals(ns.object().path("status").path("phase").asText())) {
            throw ApiException.forbidden("unable to create new content in namespace " + namespace
                    + " because it is being terminated");
        }
    }
}
