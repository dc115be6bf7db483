package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceType;

/**
 * What the API server itself sets on create, per kind (Kubernetes' "PrepareForCreate"): writers of
 * the main resource do not get to choose status, except for nodes, which report their own.
 */
final class KindRules {
    private KindRules() {}

    static void prepareForCreate(ResourceType type, ObjectNode object) {
        if (!type.hasStatus() || isCore(type, "nodes")) {
            return;
        }
        ObjectNode status = object.putObject("status");
        if (isCore(type, "pods")) {
            status.put("phase", "Pending");
        } else if (isCore(type, "namespaces")) {
            status.put("phase", "Active");
            ObjectNode spec = object.withObjectProperty("spec");
            if (!spec.has("finalizers")) {
                // The namespace controller removes this when the namespace's content is gone.
                spec.putArray("finalizers").add("kubernetes");
            }
        } else if (isCore(type, "services")) {
            status.putObject("loadBalancer");
        }
    }

    static boolean isCore(ResourceType type, String resource) {
        return type.group().isEmpty() && type.resource().equals(resource);
    }
}
