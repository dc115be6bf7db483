package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * A Deployment's status from its ReplicaSets: replica counts and the two conditions
 * {@code kubectl rollout status} reads.
 *
 * <pre>
 *   Available   True  MinimumReplicasAvailable   available ≥ replicas − maxUnavailable
 *               False MinimumReplicasUnavailable
 *   Progressing True  NewReplicaSetCreated / ReplicaSetUpdated   (progress made now)
 *               True  NewReplicaSetAvailable     (rollout complete)
 *               False ProgressDeadlineExceeded   (no progress for progressDeadlineSeconds)
 * </pre>
 */
final class DeploymentStatus {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeploymentStatus() {}

    record Result(ObjectNode status, int recheckAfterSeconds) {}

    static Result compute(ObjectNode d, ObjectNode newRs, List<ObjectNode> all, int replicas, boolean progressed, Instant now) {
        int total = 0;
        int ready = 0;
        int available = 0;
        for (ObjectNode rs : all) {
            JsonNode st = rs.path("status");
            total += st.path("replicas").asInt(0);
            ready += st.path("readyReplicas").asInt(0);
            available += st.path("availableReplicas").asInt(0);
        }
        int updated = newRs == null ? 0 : newRs.path("status").path("replicas").asInt(0);
        ObjectNode status = MAPPER.createObjectNode();
        status.put("observedGeneration", d.path("metadata").path("generation").asLong());
        status.put("replicas", total).put("updatedReplicas", updated).put("readyReplicas", ready)
                .put("availableReplicas", available).put("unavailableReplicas", Math.max(0, replicas - available));
        if (d.path("status").has("collisionCount")) {
            status.set("collisionCount", d.path("status").get("collisionCount"));
        }
        for (String zero : new String[] {"updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas", "replicas"}) {
            if (status.path(zero).asInt() == 0) {
                status.remove(zero);
            }
        }
        JsonNode oldConds = d.path("status").path("conditions");
        ArrayNode conds = status.putArray("conditions");
        int maxUnavailable = "Recreate".equals(d.path("spec").path("strategy").path("type").asText()) ? 0
                : Rollout.limits(d.path("spec").path("strategy").path("rollingUpdate"), replicas)[1];
        boolean minAvailable = available >= replicas - maxUnavailable;
        conds.add(condition(oldConds, "Available", minAvailable ? "True" : "False",
                minAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                minAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now, false));
        String rsName = newRs == null ? "" : newRs.path("metadata").path("name").asText();
        boolean complete = newRs != null && updated == replicas && available == replicas && total == replicas
                && newRs.path("status").path("availableReplicas").asInt(0) == replicas;
        int deadline = d.path("spec").path("progressDeadlineSeconds").asInt(600);
        JsonNode prev = find(oldConds, "Progressing");
        int recheck = 0;
        ObjectNode progressing;
        if (d.path("spec").path("paused").asBoolean(false)) {
            progressing = condition(oldConds, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now, true);
        } else if (complete) {
            progressing = condition(oldConds, "Progressing", "True", "NewReplicaSetAvailable",
                    "ReplicaSet \"" + rsName + "\" has successfully progressed.", now, false);
        } else if (progressed || prev == null || "DeploymentPaused".equals(prev.path("reason").asText())) {
            progressing = condition(oldConds, "Progressing", "True", prev == null ? "NewReplicaSetCreated" : "ReplicaSetUpdated",
                    prev == null ? "Created new replica set \"" + rsName + "\"" : "ReplicaSet \"" + rsName + "\" is progressing.", now, true);
            recheck = deadline + 1;
        } else {
            Instant last = Instant.parse(prev.path("lastUpdateTime").asText(now.toString()));
            if ("ProgressDeadlineExceeded".equals(prev.path("reason").asText()) || !last.plusSeconds(deadline).isAfter(now)) {
                progressing = condition(oldConds, "Progressing", "False", "ProgressDeadlineExceeded",
                        "ReplicaSet \"" + rsName + "\" has timed out progressing.", now, false);
            } else {
                progressing = prev.deepCopy();
                recheck = (int) Math.max(1, last.plusSeconds(deadline).getEpochSecond() - now.getEpochSecond() + 1);
            }
        }
        conds.add(progressing);
        return new Result(status, recheck);
    }

    private static JsonNode find(JsonNode conds, String type) {
        for (JsonNode c : conds) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return null;
    }

    /** A condition; transition time kept unless the status flips, update time bumped when {@code touch}. */
    private static ObjectNode condition(JsonNode oldConds, String type, String status, String reason, String message,
                                        Instant now, boolean touch) {
        JsonNode prev = find(oldConds, type);
        ObjectNode c = MAPPER.createObjectNode();
        c.put("type", type).put("status", status);
        boolean same = prev != null && prev.path("status").asText().equals(status);
        boolean unchanged = same && prev.path("reason").asText().equals(reason) && prev.path("message").asText().equals(message);
        c.put("lastUpdateTime", unchanged && !touch ? prev.path("lastUpdateTime").asText(now.toString()) : now.toString());
        c.put("lastTransitionTime", same ? prev.path("lastTransitionTime").asText(now.toString()) : now.toString());
        c.put("reason", reason).put("message", message);
        return c;
    }
}
