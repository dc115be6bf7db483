package dev.keelson.control.api.registry;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One REST resource the API server serves: its group/version, plural and singular names, kind,
 * scope, discovery metadata and the per-kind field selectors it accepts (beyond
 * {@code metadata.name} and {@code metadata.namespace}, which every kind accepts).
 *
 * @param generational whether {@code metadata.generation} is tracked (bumped when spec changes)
 */
public record ResourceType(String group, String version, String resource, String singular, String kind,
                           boolean namespaced, List<String> shortNames, List<String> categories,
                           List<Subresource> subresources, Set<String> fieldSelectors, boolean generational) {

    /** Verbs every main resource supports. */
    public static final List<String> VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    /** What discovery lists: the metrics group (served from the nodes) is read-only. */
    public List<String> verbs() {
        return group.equals("metrics.k8s.io") ? List.of("get", "list") : VERBS;
    }

    /** {@code v1} for the core group, else {@code group/version}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code pods} or {@code deployments.apps}: how Kubernetes names the resource in messages. */
    public String groupResource() {
        return group.isEmpty() ? resource : resource + "." + group;
    }

    /** {@code Pod} or {@code Deployment.apps}: how Kubernetes names the kind in Invalid messages. */
    public String groupKind() {
        return group.isEmpty() ? kind : kind + "." + group;
    }

    /** The subresource with this name, if served. */
    public Optional<Subresource> subresource(String name) {
        return subresources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public boolean hasStatus() {
        return subresource("status").isPresent();
    }

    /** Whether a field selector may name {@code field}. */
    public boolean selectable(String field) {
        return field.equals("metadata.name") || field.equals("metadata.namespace") || fieldSelectors.contains(field);
    }
}
