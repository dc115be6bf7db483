package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.Schemas.FieldError;
import java.util.List;
import java.util.function.Function;

/**
 * Validates a built-in object: first its JSON types and required fields against the schema (an
 * object of the wrong shape gets only those errors, as Kubernetes' decoder would stop there), then
 * the semantic rules of its kind.
 */
final class Validation {
    private Validation() {}

    static List<FieldError> validate(String apiVersion, String kind, ObjectNode o) {
        Catalog catalog = Catalog.get();
        TypeDef def = catalog.kind(apiVersion, kind);
        if (def == null) {
            return List.of();
        }
        FieldErrors errs = new FieldErrors();
        new TypeChecker(catalog, errs).checkObject(def, o, "");
        if (!errs.isEmpty()) {
            return errs.list();
        }
        String gvk = apiVersion + "/" + kind;
        if (def.fields().containsKey("metadata") && !kind.endsWith("List")) {
            MetaValidation.objectMeta(o.path("metadata"), nameRule(gvk), namespaced(gvk), errs);
        }
        switch (gvk) {
            case "v1/Pod" -> PodValidation.spec(o.path("spec"), "spec", errs);
            case "v1/Service" -> ServiceValidation.service(o, errs);
            case "v1/ConfigMap" -> DataValidation.configMap(o, errs);
            case "v1/Secret" -> DataValidation.secret(o, errs);
            case "v1/PersistentVolume" -> StorageValidation.persistentVolume(o.path("spec"), errs);
            case "v1/PersistentVolumeClaim" -> StorageValidation.claim(o.path("spec"), errs);
            case "storage.k8s.io/v1/StorageClass" -> StorageValidation.storageClass(o, errs);
            case "apps/v1/Deployment" -> WorkloadValidation.deployment(o, errs);
            case "apps/v1/ReplicaSet" -> WorkloadValidation.replicaSet(o, errs);
            case "apps/v1/DaemonSet" -> WorkloadValidation.daemonSet(o, errs);
            case "batch/v1/Job" -> WorkloadValidation.job(o, errs);
            default -> { }
        }
        return errs.list();
    }

    private static Function<String, List<String>> nameRule(String gvk) {
        return switch (gvk) {
            case "v1/Namespace" -> NameRules::dns1123Label;
            case "v1/Service" -> NameRules::dns1035Label;
            case "autoscaling/v2/HorizontalPodAutoscaler", "v1/Event" -> Validation::pathSegment;
            default -> NameRules::dns1123Subdomain;
        };
    }

    /** Names that only have to be usable as one URL path segment. */
    private static List<String> pathSegment(String name) {
        if (name.equals(".") || name.equals("..")) {
            return List.of("may not be '" + name + "'");
        }
        if (name.contains("/")) {
            return List.of("may not contain '/'");
        }
        if (name.contains("%")) {
            return List.of("may not contain '%'");
        }
        return List.of();
    }

    private static boolean namespaced(String gvk) {
        return switch (gvk) {
            case "v1/Namespace", "v1/Node", "v1/PersistentVolume", "storage.k8s.io/v1/StorageClass" -> false;
            default -> true;
        };
    }
}
