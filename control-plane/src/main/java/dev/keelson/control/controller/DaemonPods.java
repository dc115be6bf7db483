package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.model.Json;
import dev.keelson.control.scheduler.NodeSelectorTerm;
import dev.keelson.control.scheduler.PodInfo;
import dev.keelson.control.scheduler.Taint;
import dev.keelson.control.scheduler.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a DaemonSet's pod belongs and what it looks like. A daemon pod tolerates the node
 * conditions Kubernetes lets daemons ride out (not-ready and unreachable NoExecute; disk, memory
 * and PID pressure, unschedulable, and — with host networking — network-unavailable NoSchedule),
 * and is pinned to its node by a required node affinity term {@code matchFields metadata.name In
 * [node]}, so that the scheduler still checks resources and ports before binding it.
 */
public final class DaemonPods {
    static final String HASH_LABEL = "controller-revision-hash";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[][] DEFAULT_TOLERATIONS = {
        {"node.kubernetes.io/not-ready", "NoExecute"},
        {"node.kubernetes.io/unreachable", "NoExecute"},
        {"node.kubernetes.io/disk-pressure", "NoSchedule"},
        {"node.kubernetes.io/memory-pressure", "NoSchedule"},
        {"node.kubernetes.io/pid-pressure", "NoSchedule"},
        {"node.kubernetes.io/unschedulable", "NoSchedule"},
    };

    private DaemonPods() {}

    /**
     * Whether a daemon pod should be started on a node ({@code run}) and whether one already there
     * may stay ({@code stay}): a NoSchedule taint only stops new pods, a NoExecute one evicts.
     */
    public record Eligibility(boolean run, boolean stay) {
        static final Eligibility NO = new Eligibility(false, false);
    }

    /** Judges {@code node} for the pod template of {@code daemonSet}. */
    public static Eligibility eligibility(JsonNode daemonSet, JsonNode node) {
        ObjectNode pod = MAPPER.createObjectNode();
        pod.putObject("metadata").put("namespace", Pods.namespace(daemonSet));
        ObjectNode spec = templateSpec(daemonSet);
        addDefaultTolerations(spec);
        pod.set("spec", spec);
        PodInfo info = PodInfo.of(pod);
        String nodeName = Pods.name(node);
        Map<String, String> labels = Json.stringMap(node.path("metadata").path("labels"));
        if (!info.nodeName().isEmpty() && !info.nodeName().equals(nodeName)) {
            return Eligibility.NO;
        }
        for (var e : info.nodeSelector().entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return Eligibility.NO;
            }
        }
        if (!info.requiredTerms().isEmpty() && info.requiredTerms().stream().noneMatch(t -> t.matches(nodeName, labels))) {
            return Eligibility.NO;
        }
        boolean run = true;
        for (JsonNode t : node.path("spec").path("taints")) {
            Taint taint = Taint.of(t);
            if (taint.toleratedBy(info.tolerations())) {
                continue;
            }
            if (taint.effect().equals("NoExecute")) {
                return Eligibility.NO;
            }
            if (taint.effect().equals("NoSchedule")) {
                run = false;
            }
        }
        return new Eligibility(run, true);
    }

    private static ObjectNode templateSpec(JsonNode daemonSet) {
        JsonNode s = daemonSet.path("spec").path("template").path("spec");
        return s.isObject() ? (ObjectNode) s.deepCopy() : MAPPER.createObjectNode();
    }

    /** Adds each standard daemon toleration the spec lacks (same key and effect). */
    static void addDefaultTolerations(ObjectNode spec) {
        List<String[]> wanted = new ArrayList<>(List.of(DEFAULT_TOLERATIONS));
        if (spec.path("hostNetwork").asBoolean(false)) {
            wanted.add(new String[] {"node.kubernetes.io/network-unavailable", "NoSchedule"});
        }
        ArrayNode list = spec.withArray("tolerations");
        for (String[] w : wanted) {
            boolean present = false;
            for (JsonNode t : list) {
                Toleration have = Toleration.of(t);
                present |= have.key().equals(w[0]) && have.effect().equals(w[1]);
            }
            if (!present) {
                list.addObject().put("key", w[0]).put("operator", "Exists").put("effect", w[1]);
            }
        }
    }

    /** The node a daemon pod is bound or pinned to, or "" when neither. */
    public static String targetNode(JsonNode pod) {
        String bound = pod.path("spec").path("nodeName").asText("");
        if (!bound.isEmpty()) {
            return bound;
        }
        JsonNode terms = pod.path("spec").path("affinity").path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
        for (JsonNode term : terms) {
            for (NodeSelectorTerm.Expr e : NodeSelectorTerm.of(term).fieldExprs()) {
                if (e.key().equals("metadata.name") && e.operator().equals("In") && e.values().size() == 1) {
                    return e.values().get(0);
                }
            }
        }
        return "";
    }

    /** A new daemon pod for {@code node}, labelled with the template's revision hash. */
    public static ObjectNode newPod(JsonNode daemonSet, String node, String hash) {
        JsonNode template = daemonSet.path("spec").path("template");
        ObjectNode pod = MAPPER.createObjectNode();
        pod.put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        meta.put("generateName", Pods.name(daemonSet) + "-");
        meta.put("namespace", Pods.namespace(daemonSet));
        ObjectNode labels = meta.putObject("labels");
        if (template.path("metadata").path("labels").isObject()) {
            labels.setAll((ObjectNode) template.path("metadata").path("labels").deepCopy());
        }
        labels.put(HASH_LABEL, hash);
        if (template.path("metadata").path("annotations").isObject()) {
            meta.set("annotations", template.path("metadata").path("annotations").deepCopy());
        }
        ObjectNode owner = ((ObjectNode) daemonSet).deepCopy();
        owner.put("apiVersion", "apps/v1").put("kind", "DaemonSet");
        Pods.setController(meta, owner);
        ObjectNode spec = templateSpec(daemonSet);
        addDefaultTolerations(spec);
        // The node's own term replaces any required terms (they already matched it); preferences stay.
        ObjectNode nodeAffinity = spec.withObjectProperty("affinity").withObjectProperty("nodeAffinity");
        ObjectNode required = nodeAffinity.putObject("requiredDuringSchedulingIgnoredDuringExecution");
        required.putArray("nodeSelectorTerms").addObject().putArray("matchFields").addObject()
                .put("key", "metadata.name").put("operator", "In").putArray("values").add(node);
        pod.set("spec", spec);
        return pod;
    }
}
