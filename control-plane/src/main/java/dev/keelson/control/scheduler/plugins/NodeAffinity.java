package dev.keelson.control.scheduler.plugins;

import dev.keelson.control.scheduler.CycleState;
import dev.keelson.control.scheduler.NodeInfo;
import dev.keelson.control.scheduler.NodeSelectorTerm;
import dev.keelson.control.scheduler.Plugin;
import dev.keelson.control.scheduler.PodInfo;
import java.util.Map;

/**
 * {@code spec.nodeSelector} and required node affinity (any term may match) as a filter; preferred
 * node affinity weights as a score.
 */
public final class NodeAffinity implements Plugin.Filter, Plugin.Score {
    private static final Rejection REJECTED = Rejection.unresolvable("node(s) didn't match Pod's node affinity/selector");

    @Override
    public String name() {
        return "NodeAffinity";
    }

    @Override
    public Rejection filter(CycleState state, PodInfo pod, NodeInfo node) {
        return matches(pod, node.name(), node.labels()) ? null : REJECTED;
    }

    /** Whether the pod's node selector and required node affinity admit this node. */
    static boolean matches(PodInfo pod, String nodeName, Map<String, String> labels) {
        for (var e : pod.nodeSelector().entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        if (pod.requiredTerms().isEmpty()) {
            return true;
        }
        for (NodeSelectorTerm t : pod.requiredTerms()) {
            if (t.matches(nodeName, labels)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        long sum = 0;
        for (var w : pod.preferredTerms()) {
            if (w.term().matches(node.name(), node.labels())) {
                sum += w.weight();
            }
        }
        return sum;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, long[] scores) {
        Scores.normalize(scores, false);
    }
}
