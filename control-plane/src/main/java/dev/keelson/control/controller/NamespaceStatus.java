package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status of a namespace being emptied: phase Terminating and the conditions
 * {@code kubectl describe namespace} shows while content remains —
 * NamespaceDeletionDiscoveryFailure, NamespaceDeletionContentFailure, NamespaceContentRemaining,
 * NamespaceFinalizersRemaining — each False with its "all done" reason once the namespace is empty.
 */
final class NamespaceStatus {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What one pass over a terminating namespace found. */
    record Content(Map<String, Integer> remaining, Map<String, Integer> finalizers, List<String> deleteErrors) {
        boolean empty() {
            return remaining.values().stream().allMatch(n -> n == 0);
        }
    }

    private NamespaceStatus() {}

    /** {@code plural.group} as Kubernetes prints a type in these messages ({@code pods.} for the core group). */
    static String display(dev.keelson.control.client.Resource r) {
        return r.plural() + "." + r.group();
    }

    static ObjectNode of(JsonNode oldStatus, Content c, Instant now) {
        JsonNode old = oldStatus.path("conditions");
        ObjectNode st = MAPPER.createObjectNode();
        st.put("phase", "Terminating");
        ArrayNode conds = st.putArray("conditions");
        conds.add(Conditions.of(old, "NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered",
                "All resources successfully discovered", now));
        conds.add(Conditions.of(old, "NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
                "All legacy kube types successfully parsed", now));
        conds.add(c.deleteErrors().isEmpty()
                ? Conditions.of(old, "NamespaceDeletionContentFailure", "False", "ContentDeleted",
                        "All content successfully deleted, may be waiting on finalization", now)
                : Conditions.of(old, "NamespaceDeletionContentFailure", "True", "ContentDeletionFailed",
                        "Failed to delete all resource types, " + c.deleteErrors().size() + " remaining: "
                                + String.join(", ", c.deleteErrors()), now));
        List<String> remaining = summary(c.remaining(), "%s has %d resource instances");
        conds.add(remaining.isEmpty()
                ? Conditions.of(old, "NamespaceContentRemaining", "False", "ContentRemoved", "All content successfully removed", now)
                : Conditions.of(old, "NamespaceContentRemaining", "True", "SomeResourcesRemain",
                        "Some resources are remaining: " + String.join(", ", remaining), now));
        List<String> finalizers = summary(c.finalizers(), "%s in %d resource instances");
        conds.add(finalizers.isEmpty()
                ? Conditions.of(old, "NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers",
                        "All content-preserving finalizers finished", now)
                : Conditions.of(old, "NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
                        "Some content in the namespace has finalizers remaining: " + String.join(", ", finalizers), now));
        return st;
    }

    /** Non-zero counts formatted and sorted, so the message (and thus the write) is stable. */
    private static List<String> summary(Map<String, Integer> counts, String format) {
        List<String> out = new ArrayList<>();
        new TreeMap<>(counts).forEach((k, n) -> {
            if (n > 0) {
                out.add(String.format(format, k, n));
            }
        });
        out.sort(null);
        return out;
    }
}
