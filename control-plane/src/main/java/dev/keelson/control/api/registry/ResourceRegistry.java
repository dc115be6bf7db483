package dev.keelson.control.api.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The resources the API server serves. Adding a kind is one entry in {@link #builtins()}; discovery,
 * REST routing, field selectors and storage keys all derive from it.
 */
public final class ResourceRegistry {
    private final List<ResourceType> types;
    private final Map<String, ResourceType> byPath = new LinkedHashMap<>();

    public ResourceRegistry(List<ResourceType> types) {
        this.types = List.copyOf(types);
        for (ResourceType t : this.types) {
            byPath.put(key(t.group(), t.version(), t.resource()), t);
        }
    }

    /** The built-in kinds (core/v1, apps/v1, batch/v1, coordination, discovery, autoscaling). */
    public static ResourceRegistry builtins() {
        List<ResourceType> t = new ArrayList<>();
        t.add(core("namespaces", "Namespace", false, List.of("ns"), List.of(), true,
                Set.of("status.phase"), false, new Subresource("finalize", "", "v1", "Namespace", List.of("update"))));
        t.add(core("pods", "Pod", true, List.of("po"), List.of("all"), true,
                Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                        "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"), true,
                new Subresource("binding", "", "v1", "Binding", List.of("create")),
                new Subresource("eviction", "policy", "v1", "Eviction", List.of("create")),
                new Subresource("log", "", "v1", "Pod", List.of("get")),
                new Subresource("exec", "", "v1", "PodExecOptions", List.of("create", "get")),
                new Subresource("attach", "", "v1", "PodAttachOptions", List.of("create", "get")),
                new Subresource("portforward", "", "v1", "PodPortForwardOptions", List.of("create", "get"))));
        t.add(core("services", "Service", true, List.of("svc"), List.of("all"), true, Set.of(), false));
        t.add(core("endpoints", "Endpoints", true, List.of("ep"), List.of(), false, Set.of(), false));
        t.add(core("nodes", "Node", false, List.of("no"), List.of(), true, Set.of("spec.unschedulable"), false));
        t.add(core("configmaps", "ConfigMap", true, List.of("cm"), List.of(), false, Set.of(), false));
        t.add(core("secrets", "Secret", true, List.of(), List.of(), false, Set.of("type"), false));
        t.add(core("events", "Event", true, List.of("ev"), List.of(), false,
                Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"), false));
        t.add(core("serviceaccounts", "ServiceAccount", true, List.of("sa"), List.of(), false, Set.of(), false));
        t.add(core("persistentvolumes", "PersistentVolume", false, List.of("pv"), List.of(), true, Set.of(), false));
        t.add(core("persistentvolumeclaims", "PersistentVolumeClaim", true, List.of("pvc"), List.of(), true,
                Set.of(), false));
        t.add(scaled("apps", "deployments", "Deployment", List.of("deploy"), Set.of()));
        t.add(scaled("apps", "replicasets", "ReplicaSet", List.of("rs"), Set.of("status.replicas")));
        t.add(type("apps", "v1", "daemonsets", "DaemonSet", true, List.of("ds"), List.of("all"), Set.of(), true,
                Subresource.status("apps", "v1", "DaemonSet")));
        t.add(type("batch", "v1", "jobs", "Job", true, List.of(), List.of("all"), Set.of("status.successful"), true,
                Subresource.status("batch", "v1", "Job")));
        t.add(type("coordination.k8s.io", "v1", "leases", "Lease", true, List.of(), List.of(), Set.of(), false));
        t.add(type("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, List.of(), List.of(),
                Set.of(), false));
        t.add(type("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true,
                List.of("hpa"), List.of("all"), Set.of(), true,
                Subresource.status("autoscaling", "v2", "HorizontalPodAutoscaler")));
        t.add(type("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, List.of("sc"), List.of(),
                Set.of(), false));
        // served by the API server from the node agents (MetricsAggregator), never stored
        t.add(new ResourceType("metrics.k8s.io", "v1beta1", "pods", "", "PodMetrics", true, List.of(), List.of(),
                List.of(), Set.of(), false));
        t.add(new ResourceType("metrics.k8s.io", "v1beta1", "nodes", "", "NodeMetrics", false, List.of(), List.of(),
                List.of(), Set.of(), false));
        return new ResourceRegistry(t);
    }

    private static ResourceType core(String resource, String kind, boolean namespaced, List<String> shortNames,
                                     List<String> categories, boolean status, Set<String> fields,
                                     boolean generational, Subresource... more) {
        List<Subresource> subs = new ArrayList<>();
        if (status) {
            subs.add(Subresource.status("", "v1", kind));
        }
        subs.addAll(List.of(more));
        return new ResourceType("", "v1", resource, singular(kind), kind, namespaced, shortNames, categories,
                List.copyOf(subs), fields, generational);
    }

    private static ResourceType scaled(String group, String resource, String kind, List<String> shortNames,
                                       Set<String> fields) {
        return type(group, "v1", resource, kind, true, shortNames, List.of("all"), fields, true,
                Subresource.status(group, "v1", kind), Subresource.scale());
    }

    private static ResourceType type(String group, String version, String resource, String kind, boolean namespaced,
                                     List<String> shortNames, List<String> categories, Set<String> fields,
                                     boolean generational, Subresource... subs) {
        return new ResourceType(group, version, resource, singular(kind), kind, namespaced, shortNames, categories,
                List.of(subs), fields, generational);
    }

    private static String singular(String kind) {
        return kind.toLowerCase(java.util.Locale.ROOT);
    }

    private static String key(String group, String version, String resource) {
        return group + "/" + version + "/" + resource;
    }

    /** Every served resource, in registration order. */
    public List<ResourceType> all() {
        return types;
    }

    /** The resource at {@code /apis/<group>/<version>/<resource>} (group "" for {@code /api/v1}). */
    public Optional<ResourceType> find(String group, String version, String resource) {
        return Optional.ofNullable(byPath.get(key(group, version, resource)));
    }

    /** The resource serving {@code apiVersion}/{@code kind}, e.g. ("apps/v1", "Deployment"). */
    public Optional<ResourceType> byKind(String apiVersion, String kind) {
        return types.stream().filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind)).findFirst();
    }

    /** Group names in serving order, without the core group. */
    public List<String> groups() {
        return types.stream().map(ResourceType::group).filter(g -> !g.isEmpty()).distinct().toList();
    }

    /** Versions served for a group, preferred first. */
    public List<String> versions(String group) {
        return types.stream().filter(t -> t.group().equals(group)).map(ResourceType::version).distinct().toList();
    }

    /** Resources of one group version. */
    public List<ResourceType> resources(String group, String version) {
        return types.stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
    }
}
