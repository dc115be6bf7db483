package dev.keelson.control.schema;

import dev.keelson.control.schema.TypeDef.Gvk;
import java.util.List;

/**
 * The REST resources of the built-in kinds, as far as the OpenAPI documents need them: where each
 * kind lives ({@code /api/v1/namespaces/{namespace}/pods}) and its subresources. Facts from the
 * Kubernetes API (resource names, scopes, which kinds a subresource takes).
 */
final class ApiResources {
    private ApiResources() {}

    /**
     * A resource path family.
     *
     * @param groupVersion where the path lives (e.g. apps/v1)
     * @param plural the resource name (e.g. deployments)
     * @param subresource "" for the main resource, else e.g. "status", "scale"
     * @param gvk the kind the operations read and write
     * @param verbs among get, list, create, update, patch, delete, deletecollection
     */
    record Resource(Gvk groupVersion, String plural, boolean namespaced, String subresource, Gvk gvk,
                    List<String> verbs) {
        String root() {
            return groupVersion.group().isEmpty() ? "/api/" + groupVersion.version()
                    : "/apis/" + groupVersion.group() + "/" + groupVersion.version();
        }

        /** "api/v1" or "apis/apps/v1": the key of the group version in the OpenAPI v3 index. */
        String groupVersionPath() {
            return root().substring(1);
        }

        String collectionPath() {
            return root() + (namespaced ? "/namespaces/{namespace}/" : "/") + plural;
        }

        String itemPath() {
            return collectionPath() + "/{name}" + (subresource.isEmpty() ? "" : "/" + subresource);
        }
    }

    private static final List<String> ALL = List.of("get", "list", "create", "update", "patch", "delete",
            "deletecollection");
    private static final List<String> STATUS = List.of("get", "update", "patch");

    static final List<Resource> ALL_RESOURCES = List.of(
            main("", "v1", "Namespace", "namespaces", false, ALL),
            sub("", "v1", "namespaces", false, "status", "", "v1", "Namespace", STATUS),
            main("", "v1", "Pod", "pods", true, ALL),
            sub("", "v1", "pods", true, "status", "", "v1", "Pod", STATUS),
            sub("", "v1", "pods", true, "binding", "", "v1", "Binding", List.of("create")),
            sub("", "v1", "pods", true, "eviction", "policy", "v1", "Eviction", List.of("create")),
            main("", "v1", "Binding", "bindings", true, List.of("create")),
            main("", "v1", "Service", "services", true, ALL),
            sub("", "v1", "services", true, "status", "", "v1", "Service", STATUS),
            main("", "v1", "Endpoints", "endpoints", true, ALL),
            main("", "v1", "Node", "nodes", false, ALL),
            sub("", "v1", "nodes", false, "status", "", "v1", "Node", STATUS),
            main("", "v1", "ConfigMap", "configmaps", true, ALL),
            main("", "v1", "Secret", "secrets", true, ALL),
            main("", "v1", "Event", "events", true, ALL),
            main("", "v1", "ServiceAccount", "serviceaccounts", true, ALL),
            main("", "v1", "PodTemplate", "podtemplates", true, ALL),
            main("", "v1", "PersistentVolume", "persistentvolumes", false, ALL),
            sub("", "v1", "persistentvolumes", false, "status", "", "v1", "PersistentVolume", STATUS),
            main("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, ALL),
            sub("", "v1", "persistentvolumeclaims", true, "status", "", "v1", "PersistentVolumeClaim", STATUS),
            main("apps", "v1", "Deployment", "deployments", true, ALL),
            sub("apps", "v1", "deployments", true, "status", "apps", "v1", "Deployment", STATUS),
            sub("apps", "v1", "deployments", true, "scale", "autoscaling", "v1", "Scale", STATUS),
            main("apps", "v1", "ReplicaSet", "replicasets", true, ALL),
            sub("apps", "v1", "replicasets", true, "status", "apps", "v1", "ReplicaSet", STATUS),
            sub("apps", "v1", "replicasets", true, "scale", "autoscaling", "v1", "Scale", STATUS),
            main("apps", "v1", "DaemonSet", "daemonsets", true, ALL),
            sub("apps", "v1", "daemonsets", true, "status", "apps", "v1", "DaemonSet", STATUS),
            main("batch", "v1", "Job", "jobs", true, ALL),
            sub("batch", "v1", "jobs", true, "status", "batch", "v1", "Job", STATUS),
            main("coordination.k8s.io", "v1", "Lease", "leases", true, ALL),
            main("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, ALL),
            main("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, ALL),
            sub("autoscaling", "v2", "horizontalpodautoscalers", true, "status", "autoscaling", "v2",
                    "HorizontalPodAutoscaler", STATUS),
            main("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, ALL));

    /** The group versions the OpenAPI v3 index lists, as paths ("api/v1", "apis/apps/v1", ...). */
    static final List<String> GROUP_VERSION_PATHS = List.of("api/v1", "apis/apps/v1", "apis/batch/v1",
            "apis/coordination.k8s.io/v1", "apis/discovery.k8s.io/v1", "apis/autoscaling/v1",
            "apis/autoscaling/v2", "apis/policy/v1", "apis/storage.k8s.io/v1");

    private static Resource main(String group, String version, String kind, String plural, boolean namespaced,
                                 List<String> verbs) {
        Gvk gv = new Gvk(group, version, kind);
        return new Resource(gv, plural, namespaced, "", gv, verbs);
    }

    private static Resource sub(String group, String version, String plural, boolean namespaced, String subresource,
                                String kindGroup, String kindVersion, String kind, List<String> verbs) {
        return new Resource(new Gvk(group, version, ""), plural, namespaced, subresource,
                new Gvk(kindGroup, kindVersion, kind), verbs);
    }

    /** The group version of a path key like "apis/apps/v1", or null if it is not one of ours. */
    static Gvk groupVersionOf(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (!GROUP_VERSION_PATHS.contains(p)) {
            return null;
        }
        String[] parts = p.split("/");
        return parts[0].equals("api") ? new Gvk("", parts[1], "") : new Gvk(parts[1], parts[2], "");
    }
}
