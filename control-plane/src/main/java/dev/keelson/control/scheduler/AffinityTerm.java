package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.model.LabelSelector;
import java.util.HashSet;
import java.util.Set;

/**
 * A {@code PodAffinityTerm}: pods matching {@code selector} in {@code namespaces} (the owning pod's
 * namespace when none are named; every namespace when {@code namespaceSelector} is {@code {}}),
 * co-located by {@code topologyKey}. {@code weight} is set for preferred terms.
 */
public record AffinityTerm(LabelSelector selector, Set<String> namespaces, boolean allNamespaces,
                           String topologyKey, int weight) {

    public static AffinityTerm of(JsonNode term, String ownNamespace, int weight) {
        Set<String> ns = new HashSet<>();
        term.path("namespaces").forEach(n -> ns.add(n.asText()));
        JsonNode nsSel = term.get("namespaceSelector");
        boolean all = nsSel != null && nsSel.isObject() && nsSel.isEmpty();
        if (ns.isEmpty() && !all) {
            ns.add(ownNamespace);
        }
        return new AffinityTerm(LabelSelector.of(term.get("labelSelector")), Set.copyOf(ns), all,
                term.path("topologyKey").asText(), weight);
    }

    public boolean matches(PodInfo pod) {
        return (allNamespaces || namespaces.contains(pod.namespace())) && selector.matches(pod.labels());
    }
}
