package dev.keelson.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.util.List;

/**
 * Writes a pod's status through {@code PUT pods/<name>/status} with the resourceVersion it was
 * computed against; on a conflict it re-reads the pod and tries again. Fields of the status this
 * agent does not compute (e.g. {@code nominatedNodeName}) are kept. A terminal phase is never
 * undone, as the API server's own rule for pods says.
 */
public final class StatusWriter {
    private static final int ATTEMPTS = 5;
    private static final List<String> MANAGED = List.of("phase", "conditions", "message", "reason", "hostIP", "hostIPs",
            "podIP", "podIPs", "startTime", "initContainerStatuses", "containerStatuses", "qosClass");

    private final KubeClient client;

    public StatusWriter(KubeClient client) {
        this.client = client;
    }

    /**
     * @return the pod as written, or {@code pod} itself when nothing changed or the pod is gone
     */
    public ObjectNode write(ObjectNode pod, ObjectNode status) {
        ObjectNode current = pod;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            JsonNode old = current.path("status");
            if (terminal(old.path("phase").asText()) && !old.path("phase").equals(status.path("phase"))) {
                return current;
            }
            ObjectNode merged = old.isObject() ? ((ObjectNode) old).deepCopy() : current.objectNode();
            merged.remove(MANAGED);
            merged.setAll(status);
            if (merged.equals(old)) {
                return current;
            }
            ObjectNode next = current.deepCopy();
            next.set("status", merged);
            try {
                return client.update(Resource.PODS, next, "status");
            } catch (ApiException e) {
                if (e.notFound()) {
                    return pod;
                }
                if (!e.conflict()) {
                    throw e;
                }
                JsonNode meta = pod.path("metadata");
                current = client.get(Resource.PODS, meta.path("namespace").asText(), meta.path("name").asText());
                if (!current.path("metadata").path("uid").equals(meta.path("uid"))) {
                    return pod; // a new pod with the same name: not ours to write
                }
            }
        }
        throw new ApiException(409, "Conflict", "pod status: still conflicting after " + ATTEMPTS + " attempts");
    }

    static boolean terminal(String phase) {
        return phase.equals("Succeeded") || phase.equals("Failed");
    }
}
