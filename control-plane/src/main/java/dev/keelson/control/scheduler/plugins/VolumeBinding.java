package dev.keelson.control.scheduler.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.model.VolumeClaims;
import dev.keelson.control.scheduler.CycleState;
import dev.keelson.control.scheduler.NodeInfo;
import dev.keelson.control.scheduler.Plugin;
import dev.keelson.control.scheduler.PodInfo;
import dev.keelson.control.scheduler.VolumeNodeAffinity;
import dev.keelson.control.scheduler.VolumeObjects;
import java.util.ArrayList;
import java.util.List;

/**
 * kube-scheduler's VolumeBinding filter for the pod's PersistentVolumeClaims: a claim bound to a
 * volume with node affinity admits only the nodes the volume allows; an unbound claim of a
 * WaitForFirstConsumer class admits a node that can reach a matching Available volume, or any node
 * when its class has a provisioner; an unbound claim of an Immediate class makes the pod wait
 * (the binder binds it first). The scheduler then marks the delayed claims with the chosen node
 * ({@value VolumeClaims#SELECTED_NODE}).
 */
public final class VolumeBinding implements Plugin.Filter {
    public static final String UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";
    public static final String NODE_CONFLICT = "node(s) had volume node affinity conflict";
    public static final String BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
    public static final String PV_MISSING = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";

    private volatile VolumeObjects objects = VolumeObjects.NONE;

    /** Reads claims, volumes and classes from {@code source} (the scheduler's caches) from now on. */
    public VolumeBinding attach(VolumeObjects source) {
        this.objects = source;
        return this;
    }

    public VolumeObjects objects() {
        return objects;
    }

    @Override
    public String name() {
        return "VolumeBinding";
    }

    @Override
    public Rejection filter(CycleState state, PodInfo pod, NodeInfo node) {
        if (pod.claims().isEmpty()) {
            return null;
        }
        VolumeObjects o = objects;
        for (String name : pod.claims()) {
            JsonNode claim = o.claim(pod.namespace(), name);
            if (claim == null) {
                return Rejection.unresolvable("persistentvolumeclaim \"" + name + "\" not found");
            }
            if (claim.path("metadata").has("deletionTimestamp")) {
                return Rejection.unresolvable("persistentvolumeclaim \"" + name + "\" is being deleted");
            }
            Rejection r = claimFits(o, claim, node);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static Rejection claimFits(VolumeObjects o, JsonNode claim, NodeInfo node) {
        String volumeName = claim.path("spec").path("volumeName").asText("");
        if (!volumeName.isEmpty()) {
            JsonNode pv = o.volume(volumeName);
            if (pv == null) {
                return Rejection.unresolvable(PV_MISSING);
            }
            return VolumeNodeAffinity.allows(pv, node.name(), node.labels()) ? null
                    : Rejection.unresolvable(NODE_CONFLICT);
        }
        JsonNode cls = o.storageClass(VolumeClaims.className(claim));
        if (!VolumeClaims.delayed(cls)) {
            return Rejection.unresolvable(UNBOUND_IMMEDIATE);
        }
        String selected = VolumeClaims.annotation(claim, VolumeClaims.SELECTED_NODE);
        if (!selected.isEmpty() && !selected.equals(node.name())) {
            return Rejection.unresolvable(NODE_CONFLICT);
        }
        if (!cls.path("provisioner").asText("").isEmpty()
                && !cls.path("provisioner").asText().equals("kubernetes.io/no-provisioner")) {
            return null;
        }
        for (JsonNode pv : o.volumes()) {
            if (VolumeClaims.canBind(pv, claim) && VolumeNodeAffinity.allows(pv, node.name(), node.labels())) {
                return null;
            }
        }
        return Rejection.unresolvable(BIND_CONFLICT);
    }

    /** The pod's claims that wait for a node to be chosen (delayed and not yet marked). */
    public static List<JsonNode> delayedClaims(VolumeObjects o, PodInfo pod) {
        List<JsonNode> out = new ArrayList<>();
        for (String name : pod.claims()) {
            JsonNode claim = o.claim(pod.namespace(), name);
            if (claim != null && claim.path("spec").path("volumeName").asText("").isEmpty()
                    && VolumeClaims.delayed(o.storageClass(VolumeClaims.className(claim)))
                    && VolumeClaims.annotation(claim, VolumeClaims.SELECTED_NODE).isEmpty()) {
                out.add(claim);
            }
        }
        return out;
    }
}
