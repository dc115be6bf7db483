package dev.keelson.control.controller;

import static dev.keelson.control.model.VolumeClaims.BIND_COMPLETED;
import static dev.keelson.control.model.VolumeClaims.BOUND_BY_CONTROLLER;
import static dev.keelson.control.model.VolumeClaims.PROVISIONED_BY;
import static dev.keelson.control.model.VolumeClaims.SELECTED_NODE;
import static dev.keelson.control.model.VolumeClaims.annotation;
import static dev.keelson.control.model.VolumeClaims.annotations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.model.VolumeClaims;
import dev.keelson.control.scheduler.VolumeNodeAffinity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The PersistentVolume binder and local provisioner as one pure function: the volumes, claims,
 * classes and nodes in, the next writes out (k8s.io/kubernetes {@code pkg/controller/volume/persistentvolume}).
 * Each pass takes at most one step per object; the writes' own events bring the next pass.
 *
 * <pre>
 *  volume:  Pending ──► Available ──claimRef──► Bound ──claim deleted──► Released ──Delete──► (gone)
 *                                                                          └─ Retain: stays
 *  claim:   Pending ──volume chosen / provisioned──► (volumeName, bind-completed) ──► Bound ──volume gone──► Lost
 * </pre>
 *
 * A claim binds to the smallest Available volume of its class whose access modes include the
 * claim's, whose capacity covers the request, whose labels match the claim's selector and whose
 * volume mode is the claim's. Claims of WaitForFirstConsumer classes wait for the scheduler's
 * {@value VolumeClaims#SELECTED_NODE} annotation and then take only volumes that node can reach.
 * With no volume to take, a claim of a class served by the local provisioner gets a new hostPath
 * volume, pre-bound to it, under {@code root} on the selected node.
 */
public final class BinderDecision {
    /** What to write. */
    public enum Op { CREATE_VOLUME, UPDATE_VOLUME, VOLUME_STATUS, DELETE_VOLUME, UPDATE_CLAIM, CLAIM_STATUS }

    /** One write: the whole new object (for a delete, the volume to delete). */
    public record Action(Op op, ObjectNode object) {
        public String name() {
            return object.path("metadata").path("name").asText();
        }
    }

    /** The objects the decision reads; {@code nodes} maps node names to their labels. */
    public record State(List<ObjectNode> volumes, List<ObjectNode> claims, Map<String, JsonNode> classes,
                        Map<String, Map<String, String>> nodes) {}

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final String provisioner;
    private final Path root;

    /**
     * @param provisioner the provisioner name this binder also serves (e.g. keelson.dev/local-path)
     * @param root where provisioned volumes' directories go, on their node
     */
    public BinderDecision(String provisioner, Path root) {
        this.provisioner = provisioner;
        this.root = root;
    }

    public List<Action> plan(State state) {
        Map<String, ObjectNode> volumes = new HashMap<>();
        state.volumes().forEach(v -> volumes.put(name(v), v));
        Map<String, ObjectNode> claims = new HashMap<>();
        state.claims().forEach(c -> claims.put(VolumeClaims.claimKey(c), c));
        Set<String> touched = new HashSet<>();
        List<Action> out = new ArrayList<>();
        List<ObjectNode> ordered = new ArrayList<>(state.claims());
        ordered.sort(Comparator.comparing((ObjectNode c) -> c.path("metadata").path("creationTimestamp").asText())
                .thenComparing(VolumeClaims::claimKey));
        for (ObjectNode claim : ordered) {
            if (!claim.path("metadata").has("deletionTimestamp")) {
                Action a = claimStep(claim, volumes, state, touched);
                if (a != null) {
                    out.add(a);
                }
            }
        }
        for (ObjectNode pv : state.volumes()) {
            if (!touched.contains(name(pv))) {
                Action a = volumeStep(pv, claims);
                if (a != null) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    private Action claimStep(ObjectNode claim, Map<String, ObjectNode> volumes, State state, Set<String> touched) {
        String volumeName = claim.path("spec").path("volumeName").asText("");
        if (!volumeName.isEmpty()) {
            ObjectNode pv = volumes.get(volumeName);
            if (pv == null) {
                return "Bound".equals(phase(claim)) ? claimStatus(claim, "Lost", null) : null;
            }
            if (VolumeClaims.claimRefKey(pv) == null) {
                touched.add(volumeName);
                return new Action(Op.UPDATE_VOLUME, bindVolume(pv, claim));
            }
            if (!refersTo(pv, claim)) {
                return null;  // the volume belongs to another claim: this one stays Pending
            }
            if (annotation(claim, BIND_COMPLETED).isEmpty()) {
                ObjectNode c = claim.deepCopy();
                annotations(c).put(BIND_COMPLETED, "yes");
                return new Action(Op.UPDATE_CLAIM, c);
            }
            return "Bound".equals(phase(claim)) ? null : claimStatus(claim, "Bound", pv);
        }
        for (ObjectNode pv : state.volumes()) {
            if (refersTo(pv, claim) && !claim.path("metadata").path("uid").asText("").isEmpty()) {
                touched.add(name(pv));
                ObjectNode c = claim.deepCopy();
                c.withObjectProperty("spec").put("volumeName", name(pv));
                annotations(c).put(BIND_COMPLETED, "yes").put(BOUND_BY_CONTROLLER, "yes");
                return new Action(Op.UPDATE_CLAIM, c);
            }
        }
        JsonNode cls = state.classes().get(VolumeClaims.className(claim));
        String node = annotation(claim, SELECTED_NODE);
        if (VolumeClaims.delayed(cls) && node.isEmpty()) {
            return null;  // WaitForFirstConsumer: the scheduler picks the node first
        }
        ObjectNode best = null;
        for (ObjectNode pv : state.volumes()) {
            if (!touched.contains(name(pv)) && matches(pv, claim, node, state.nodes())
                    && (best == null || VolumeClaims.capacity(pv).compareTo(VolumeClaims.capacity(best)) < 0)) {
                best = pv;
            }
        }
        if (best != null) {
            touched.add(name(best));
            return new Action(Op.UPDATE_VOLUME, bindVolume(best, claim));
        }
        String provisioned = "pvc-" + claim.path("metadata").path("uid").asText();
        if (cls != null && provisioner.equals(cls.path("provisioner").asText()) && !node.isEmpty()
                && !volumes.containsKey(provisioned)) {
            return new Action(Op.CREATE_VOLUME, provision(provisioned, claim, cls, node));
        }
        return null;
    }

    private static Action volumeStep(ObjectNode pv, Map<String, ObjectNode> claims) {
        String ref = VolumeClaims.claimRefKey(pv);
        String phase = phase(pv);
        if (ref == null) {
            return phase.equals("Available") ? null : volumeStatus(pv, "Available");
        }
        ObjectNode claim = claims.get(ref);
        if (claim != null && refersTo(pv, claim)) {
            boolean bound = name(pv).equals(claim.path("spec").path("volumeName").asText());
            return bound && !phase.equals("Bound") ? volumeStatus(pv, "Bound") : null;
        }
        if (claim == null && pv.path("spec").path("claimRef").path("uid").asText("").isEmpty()) {
            // pre-bound by a user to a claim that does not exist yet
            return phase.equals("Available") ? null : volumeStatus(pv, "Available");
        }
        if (!phase.equals("Released") && !phase.equals("Failed")) {
            return volumeStatus(pv, "Released");
        }
        if (phase.equals("Released") && "Delete".equals(pv.path("spec").path("persistentVolumeReclaimPolicy").asText())
                && !pv.path("metadata").has("deletionTimestamp")) {
            return new Action(Op.DELETE_VOLUME, pv);
        }
        return null;
    }

    /** Whether {@code pv} may be bound to {@code claim} (on {@code node}, when one is selected). */
    static boolean matches(JsonNode pv, JsonNode claim, String node, Map<String, Map<String, String>> nodes) {
        if (!VolumeClaims.canBind(pv, claim)) {
            return false;
        }
        if (node.isEmpty()) {
            return true;
        }
        Map<String, String> nodeLabels = nodes.getOrDefault(node, Map.of("kubernetes.io/hostname", node));
        return VolumeNodeAffinity.allows(pv, node, nodeLabels);
    }

    private ObjectNode provision(String name, JsonNode claim, JsonNode cls, String node) {
        ObjectNode pv = JSON.objectNode().put("apiVersion", "v1").put("kind", "PersistentVolume");
        ObjectNode meta = pv.putObject("metadata").put("name", name);
        meta.putObject("annotations").put(PROVISIONED_BY, provisioner);
        ObjectNode spec = pv.putObject("spec");
        spec.putObject("capacity").put("storage", claim.path("spec").path("resources").path("requests")
                .path("storage").asText());
        spec.set("accessModes", claim.path("spec").path("accessModes").deepCopy());
        spec.put("persistentVolumeReclaimPolicy", cls.path("reclaimPolicy").asText("Delete"));
        spec.put("storageClassName", cls.path("metadata").path("name").asText());
        spec.put("volumeMode", claim.path("spec").path("volumeMode").asText("Filesystem"));
        spec.putObject("hostPath").put("path", root.resolve(name).toString()).put("type", "DirectoryOrCreate");
        ObjectNode expr = spec.putObject("nodeAffinity").putObject("required").putArray("nodeSelectorTerms")
                .addObject().putArray("matchExpressions").addObject();
        expr.put("key", "kubernetes.io/hostname").put("operator", "In").putArray("values").add(node);
        spec.set("claimRef", claimRef(claim));
        return pv;
    }

    private static ObjectNode bindVolume(ObjectNode pv, JsonNode claim) {
        ObjectNode v = pv.deepCopy();
        v.withObjectProperty("spec").set("claimRef", claimRef(claim));
        annotations(v).put(BOUND_BY_CONTROLLER, "yes");
        return v;
    }

    private static ObjectNode claimRef(JsonNode claim) {
        JsonNode m = claim.path("metadata");
        ObjectNode ref = JSON.objectNode().put("kind", "PersistentVolumeClaim").put("apiVersion", "v1")
                .put("namespace", m.path("namespace").asText()).put("name", m.path("name").asText())
                .put("uid", m.path("uid").asText());
        if (m.has("resourceVersion")) {
            ref.put("resourceVersion", m.path("resourceVersion").asText());
        }
        return ref;
    }

    private static Action volumeStatus(ObjectNode pv, String phase) {
        ObjectNode v = pv.deepCopy();
        v.withObjectProperty("status").put("phase", phase);
        return new Action(Op.VOLUME_STATUS, v);
    }

    private static Action claimStatus(ObjectNode claim, String phase, JsonNode pv) {
        ObjectNode c = claim.deepCopy();
        ObjectNode status = c.withObjectProperty("status");
        status.put("phase", phase);
        if (pv != null) {
            status.set("accessModes", pv.path("spec").path("accessModes").deepCopy());
            status.set("capacity", pv.path("spec").path("capacity").deepCopy());
        }
        return new Action(Op.CLAIM_STATUS, c);
    }

    /** Whether the volume's claimRef names this claim (and, when it carries a uid, this very object). */
    static boolean refersTo(JsonNode pv, JsonNode claim) {
        if (!VolumeClaims.claimKey(claim).equals(VolumeClaims.claimRefKey(pv))) {
            return false;
        }
        String uid = pv.path("spec").path("claimRef").path("uid").asText("");
        return uid.isEmpty() || uid.equals(claim.path("metadata").path("uid").asText());
    }

    private static String phase(JsonNode o) {
        return VolumeClaims.phase(o);
    }

    private static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }
}
