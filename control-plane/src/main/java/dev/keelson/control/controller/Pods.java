package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** Pod states as controllers judge them. */
public final class Pods {
    private Pods() {}

    /** Not finished and not being deleted: it counts toward a controller's replicas. */
    public static boolean active(JsonNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return !pod.path("metadata").has("deletionTimestamp") && !phase.equals("Succeeded") && !phase.equals("Failed");
    }

    public static boolean ready(JsonNode pod) {
        return readySince(pod) != null;
    }

    /** Ready for at least {@code minReadySeconds} at {@code now}. */
    public static boolean available(JsonNode pod, int minReadySeconds, Instant now) {
        Instant since = readySince(pod);
        return since != null && (minReadySeconds <= 0 || !since.plusSeconds(minReadySeconds).isAfter(now));
    }

    /** When the Ready condition last turned True, or null when the pod is not ready. */
    public static Instant readySince(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                if (!c.path("status").asText().equals("True")) {
                    return null;
                }
                String t = c.path("lastTransitionTime").asText("");
                return t.isEmpty() ? Instant.EPOCH : Instant.parse(t);
            }
        }
        return null;
    }

    /** The uid of the object controlling this one (ownerReference with controller=true), or "". */
    public static String controllerUid(JsonNode object) {
        for (JsonNode ref : object.path("metadata").path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                return ref.path("uid").asText("");
            }
        }
        return "";
    }

    /** The objects among {@code candidates} whose controller is {@code owner}. */
    public static java.util.List<ObjectNode> controlledBy(java.util.List<ObjectNode> candidates, JsonNode owner) {
        String uid = uid(owner);
        return new java.util.ArrayList<>(candidates.stream().filter(o -> controllerUid(o).equals(uid)).toList());
    }

    /** The controller ownerReference as {@code kind/name}, or "". */
    public static String controllerRef(JsonNode object) {
        for (JsonNode ref : object.path("metadata").path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                return ref.path("kind").asText() + "/" + ref.path("name").asText();
            }
        }
        return "";
    }

    /** Adds a controller ownerReference to {@code metadata} pointing at {@code owner}. */
    public static void setController(ObjectNode metadata, JsonNode owner) {
        ObjectNode ref = metadata.withArray("ownerReferences").addObject();
        ref.put("apiVersion", owner.path("apiVersion").asText()).put("kind", owner.path("kind").asText())
                .put("name", owner.path("metadata").path("name").asText())
                .put("uid", owner.path("metadata").path("uid").asText())
                .put("controller", true).put("blockOwnerDeletion", true);
    }

    public static String namespace(JsonNode o) {
        return o.path("metadata").path("namespace").asText("");
    }

    public static String name(JsonNode o) {
        return o.path("metadata").path("name").asText("");
    }

    public static String uid(JsonNode o) {
        return o.path("metadata").path("uid").asText("");
    }
}
