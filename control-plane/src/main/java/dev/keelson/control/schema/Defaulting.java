package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Kubernetes' defaulting of the built-in kinds (k8s.io/kubernetes {@code pkg/apis/{core,apps,batch,
 * autoscaling}/v*}{@code /defaults.go}, plus the few values the API server's create strategies and
 * default admission plugins add, which users see in {@code kubectl get -o yaml}).
 */
final class Defaulting {
    private Defaulting() {}

    static void apply(String apiVersion, String kind, ObjectNode o) {
        switch (apiVersion + "/" + kind) {
            case "v1/Pod" -> PodDefaults.pod(o);
            case "v1/PodTemplate" -> PodDefaults.template(Json.obj(o, "template"));
            case "v1/Service" -> ServiceDefaults.service(o);
            case "v1/Secret" -> Json.putIfAbsent(o, "type", "Opaque");
            case "v1/Namespace" -> namespace(o);
            case "v1/Node" -> Json.putIfAbsent(Json.obj(o, "status"), "phase", "Pending");
            case "v1/PersistentVolume" -> StorageDefaults.persistentVolume(o);
            case "v1/PersistentVolumeClaim" -> StorageDefaults.persistentVolumeClaim(o);
            case "storage.k8s.io/v1/StorageClass" -> StorageDefaults.storageClass(o);
            case "apps/v1/Deployment" -> WorkloadDefaults.deployment(o);
            case "apps/v1/ReplicaSet" -> WorkloadDefaults.replicaSet(o);
            case "apps/v1/DaemonSet" -> WorkloadDefaults.daemonSet(o);
            case "batch/v1/Job" -> WorkloadDefaults.job(o);
            case "autoscaling/v2/HorizontalPodAutoscaler" -> WorkloadDefaults.hpa(o);
            default -> { }
        }
    }

    private static void namespace(ObjectNode o) {
        ObjectNode spec = Json.obj(o, "spec");
        if (!spec.has("finalizers")) {
            spec.putArray("finalizers").add("kubernetes");
        }
        Json.putIfAbsent(Json.obj(o, "status"), "phase", "Active");
        // The namespace lifecycle labels every namespace with its own name (since 1.21).
        JsonNode name = o.path("metadata").path("name");
        if (name.isTextual()) {
            Json.putIfAbsent(Json.obj(Json.obj(o, "metadata"), "labels"), "kubernetes.io/metadata.name", name.asText());
        }
    }
}
