package dev.keelson.control.controller;

import dev.keelson.control.client.Resource;
import java.util.List;
import java.util.Map;

/** The resource types the controllers know, by their {@code kind}. */
final class Kinds {
    /** Every type the controller manager informs on (and the namespace controller empties). */
    static final Map<String, Resource> BY_KIND = Map.ofEntries(
            Map.entry("Pod", Resource.PODS),
            Map.entry("Node", Resource.NODES),
            Map.entry("Service", Resource.SERVICES),
            Map.entry("Endpoints", Resource.ENDPOINTS),
            Map.entry("Namespace", Resource.NAMESPACES),
            Map.entry("Event", Resource.EVENTS),
            Map.entry("ConfigMap", Resource.CONFIGMAPS),
            Map.entry("Secret", Resource.SECRETS),
            Map.entry("PersistentVolume", Resource.PERSISTENTVOLUMES),
            Map.entry("PersistentVolumeClaim", Resource.PERSISTENTVOLUMECLAIMS),
            Map.entry("StorageClass", Resource.STORAGECLASSES),
            Map.entry("Deployment", Resource.DEPLOYMENTS),
            Map.entry("ReplicaSet", Resource.REPLICASETS),
            Map.entry("DaemonSet", Resource.DAEMONSETS),
            Map.entry("Job", Resource.JOBS),
            Map.entry("Lease", Resource.LEASES),
            Map.entry("EndpointSlice", Resource.ENDPOINTSLICES),
            Map.entry("HorizontalPodAutoscaler", Resource.HPAS));

    /** Namespaced types in the order a namespace is emptied: workloads first, so their controllers stop re-creating pods. */
    static final List<Resource> NAMESPACED = List.of(Resource.DEPLOYMENTS, Resource.DAEMONSETS, Resource.JOBS,
            Resource.REPLICASETS, Resource.HPAS, Resource.PODS, Resource.SERVICES, Resource.ENDPOINTSLICES,
            Resource.ENDPOINTS, Resource.CONFIGMAPS, Resource.SECRETS, Resource.PERSISTENTVOLUMECLAIMS, Resource.LEASES,
            Resource.EVENTS);

    private Kinds() {}

    /** The type of an ownerReference's {@code apiVersion}/{@code kind}, or null for a type we do not serve. */
    static Resource of(String apiVersion, String kind) {
        Resource r = BY_KIND.get(kind);
        if (r == null) {
            return null;
        }
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return r.group().equals(group) ? r : null;
    }

    /** The kind of a resource type. */
    static String kindOf(Resource r) {
        for (var e : BY_KIND.entrySet()) {
            if (e.getValue().equals(r)) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("unknown resource " + r.plural());
    }
}
