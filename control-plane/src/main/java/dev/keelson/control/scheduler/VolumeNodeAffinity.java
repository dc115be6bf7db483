package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A PersistentVolume's {@code spec.nodeAffinity.required}: the nodes that can reach the volume. Any
 * one of its terms must match; a volume without node affinity is reachable from every node.
 */
public final class VolumeNodeAffinity {
    private VolumeNodeAffinity() {}

    /** Whether {@code pv} can be used on the node named {@code nodeName} with these labels. */
    public static boolean allows(JsonNode pv, String nodeName, Map<String, String> nodeLabels) {
        JsonNode terms = pv.path("spec").path("nodeAffinity").path("required").path("nodeSelectorTerms");
        if (terms.isMissingNode() || terms.isEmpty()) {
            return true;
        }
        for (JsonNode term : terms) {
            if (NodeSelectorTerm.of(term).matches(nodeName, nodeLabels)) {
                return true;
            }
        }
        return false;
    }
}
