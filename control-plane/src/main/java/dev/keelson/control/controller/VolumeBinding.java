package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The names and small readers shared by the volume binder, the local provisioner and the scheduler:
 * annotations as Kubernetes spells them, a claim's requested class and size, a volume's claim.
 */
public final class VolumeBinding {
    /** On a claim: the binder finished binding it. */
    public static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
    /** On a claim or volume: the binder, not a user, chose the pairing. */
    public static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
    /** On a provisioned volume: which provisioner made it. */
    public static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
    /** On a claim of a WaitForFirstConsumer class: the node its first pod was scheduled to. */
    public static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
    /** On a claim waiting for a provisioner: which one. */
    public static final String STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
    /** Keelson's provisioner of hostPath-backed local volumes. */
    public static final String LOCAL_PATH_PROVISIONER = "keelson.dev/local-path";
    public static final String WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer";

    private VolumeBinding() {}

    /** {@code metadata.annotations[name]}, or "" when absent. */
    public static String annotation(JsonNode o, String name) {
        return o.path("metadata").path("annotations").path(name).asText("");
    }

    public static ObjectNode annotations(ObjectNode o) {
        return o.withObjectProperty("metadata").withObjectProperty("annotations");
    }

    /** The class a claim asks for; "" (no class) when unset. */
    public static String className(JsonNode claim) {
        return claim.path("spec").path("storageClassName").asText("");
    }

    /** {@code namespace/name} of a claim. */
    public static String claimKey(JsonNode claim) {
        return claim.path("metadata").path("namespace").asText() + "/" + claim.path("metadata").path("name").asText();
    }

    /** {@code namespace/name} of the claim a volume's {@code claimRef} names, or null. */
    public static String claimRefKey(JsonNode pv) {
        JsonNode ref = pv.path("spec").path("claimRef");
        if (!ref.isObject()) {
            return null;
        }
        return ref.path("namespace").asText() + "/" + ref.path("name").asText();
    }

    /** Whether the class binds (and provisions) only once a pod using the claim is scheduled. */
    public static boolean delayed(JsonNode storageClass) {
        return storageClass != null && WAIT_FOR_FIRST_CONSUMER.equals(storageClass.path("volumeBindingMode").asText());
    }
}
