package dev.keelson.cli.up;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;

/**
 * {@code kubectl rollout undo}, which is client-side: the Deployment's pod template is replaced by
 * the template of its ReplicaSet with the previous revision (without the {@code pod-template-hash}
 * label the controller added), and the controller scales that ReplicaSet back up.
 */
final class DemoRollback {
    private static final String REVISION = "deployment.kubernetes.io/revision";

    private DemoRollback() {
    }

    /** Attempts when the Deployment changes between the read and the write (the controller writes status). */
    private static final int ATTEMPTS = 5;

    /**
     * Rolls back; a write refused with 409 Conflict (the controller updated the Deployment in
     * between) is retried from a fresh read, as kubectl and client-go's RetryOnConflict do.
     */
    static void undo(KubeClient api, String namespace, String name) {
        for (int attempt = 1; ; attempt++) {
            try {
                undoOnce(api, namespace, name);
                return;
            } catch (ApiException e) {
                if (!e.conflict() || e.alreadyExists() || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static void undoOnce(KubeClient api, String namespace, String name) {
        ObjectNode d = api.get(Resource.DEPLOYMENTS, namespace, name);
        String uid = d.path("metadata").path("uid").asText();
        long current = d.path("metadata").path("annotations").path(REVISION).asLong(0);
        JsonNode previous = null;
        long best = -1;
        for (JsonNode rs : api.list(Resource.REPLICASETS, namespace, null).path("items")) {
            boolean owned = false;
            for (JsonNode o : rs.path("metadata").path("ownerReferences")) {
                owned |= o.path("uid").asText().equals(uid);
            }
            long rev = rs.path("metadata").path("annotations").path(REVISION).asLong(0);
            if (owned && rev < current && rev > best) {
                best = rev;
                previous = rs;
            }
        }
        if (previous == null) {
            throw new IllegalStateException("deployment " + name + " has no previous revision to roll back to");
        }
        ObjectNode template = ((ObjectNode) previous.path("spec").path("template")).deepCopy();
        ((ObjectNode) template.path("metadata").path("labels")).remove("pod-template-hash");
        ((ObjectNode) d.path("spec")).set("template", template);
        api.update(Resource.DEPLOYMENTS, d, null);
    }
}
