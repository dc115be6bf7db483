package dev.keelson.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/** Reading a pod object's spec. */
public final class PodSpecs {
    private PodSpecs() {
    }

    /** The container or init container named {@code name} of {@code pod}; a missing node when it has none. */
    public static JsonNode container(JsonNode pod, String name) {
        for (String list : new String[] {"containers", "initContainers"}) {
            for (JsonNode c : pod.path("spec").path(list)) {
                if (c.path("name").asText().equals(name)) {
                    return c;
                }
            }
        }
        return MissingNode.getInstance();
    }
}
