package dev.keelson.control.client;

/**
 * A resource type's REST location: {@code /api/v1/pods} for the core group,
 * {@code /apis/apps/v1/deployments} otherwise; namespaced types add {@code namespaces/<ns>/}.
 */
public record Resource(String group, String version, String plural, boolean namespaced) {

    public static final Resource PODS = new Resource("", "v1", "pods", true);
    public static final Resource NODES = new Resource("", "v1", "nodes", false);
    public static final Resource SERVICES = new Resource("", "v1", "services", true);
    public static final Resource ENDPOINTS = new Resource("", "v1", "endpoints", true);
    public static final Resource NAMESPACES = new Resource("", "v1", "namespaces", false);
    public static final Resource EVENTS = new Resource("", "v1", "events", true);
    public static final Resource CONFIGMAPS = new Resource("", "v1", "configmaps", true);
    public static final Resource SECRETS = new Resource("", "v1", "secrets", true);
    public static final Resource PERSISTENTVOLUMES = new Resource("", "v1", "persistentvolumes", false);
    public static final Resource PERSISTENTVOLUMECLAIMS = new Resource("", "v1", "persistentvolumeclaims", true);
    public static final Resource STORAGECLASSES = new Resource("storage.k8s.io", "v1", "storageclasses", false);
    public static final Resource DEPLOYMENTS = new Resource("apps", "v1", "deployments", true);
    public static final Resource REPLICASETS = new Resource("apps", "v1", "replicasets", true);
    public static final Resource DAEMONSETS = new Resource("apps", "v1", "daemonsets", true);
    public static final Resource JOBS = new Resource("batch", "v1", "jobs", true);
    public static final Resource LEASES = new Resource("coordination.k8s.io", "v1", "leases", true);
    public static final Resource ENDPOINTSLICES = new Resource("discovery.k8s.io", "v1", "endpointslices", true);
    public static final Resource HPAS = new Resource("autoscaling", "v2", "horizontalpodautoscalers", true);

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The collection path, across all namespaces when {@code namespace} is null. */
    public String path(String namespace) {
        String base = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
        return namespaced && namespace != null ? base + "/namespaces/" + namespace + "/" + plural : base + "/" + plural;
    }

    /** The path of one object (and optionally a subresource such as "status"). */
    public String path(String namespace, String name, String subresource) {
        return path(namespace) + "/" + name + (subresource == null ? "" : "/" + subresource);
    }
}
