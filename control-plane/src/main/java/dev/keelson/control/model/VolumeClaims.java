package dev.keelson.control.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The names and small readers shared by the volume binder, the local provisioner and the scheduler:
 * annotations as Kubernetes spells them, a claim's requested class and size, a volume's claim.
 */
public final class VolumeClaims {
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

    private VolumeClaims() {}

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

    /**
     * Whether an unclaimed volume satisfies a claim, leaving nodes aside: same class and volume
     * mode, every access mode the claim asks for, enough capacity, labels matching the selector.
     */
    public static boolean canBind(JsonNode pv, JsonNode claim) {
        JsonNode spec = pv.path("spec");
        JsonNode want = claim.path("spec");
        if (pv.path("metadata").has("deletionTimestamp") || spec.path("claimRef").isObject()
                || !Set.of("Available", "Pending").contains(phase(pv))) {
            return false;
        }
        if (!spec.path("storageClassName").asText("").equals(className(claim))
                || !spec.path("volumeMode").asText("Filesystem").equals(want.path("volumeMode").asText("Filesystem"))) {
            return false;
        }
        Set<String> modes = new HashSet<>();
        spec.path("accessModes").forEach(m -> modes.add(m.asText()));
        for (JsonNode m : want.path("accessModes")) {
            if (!modes.contains(m.asText())) {
                return false;
            }
        }
        if (capacity(pv).compareTo(quantity(want.path("resources").path("requests").path("storage"))) < 0) {
            return false;
        }
        JsonNode selector = want.path("selector");
        return !selector.isObject() || LabelSelector.of(selector).matches(labels(pv));
    }

    /** A volume's {@code spec.capacity.storage} (zero when absent or unreadable). */
    public static Quantity capacity(JsonNode pv) {
        return quantity(pv.path("spec").path("capacity").path("storage"));
    }

    /** {@code status.phase}, Pending when unset. */
    public static String phase(JsonNode o) {
        return o.path("status").path("phase").asText("Pending");
    }

    private static Quantity quantity(JsonNode q) {
        try {
            return q.isValueNode() ? Quantity.parse(q.asText()) : Quantity.ZERO;
        } catch (IllegalArgumentException e) {
            return Quantity.ZERO;
        }
    }

    private static Map<String, String> labels(JsonNode o) {
        Map<String, String> out = new HashMap<>();
        o.path("metadata").path("labels").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
