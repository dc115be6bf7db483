package dev.keelson.control.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * PostFilter: when no node fits a pod, find a node where evicting lower-priority pods would make it
 * fit, evicting as few and as unimportant pods as possible. Nodes rejected for reasons eviction
 * cannot change (taints, selectors) are skipped.
 *
 * <p>Victims are chosen per node by removing every lower-priority pod, checking the pod fits, then
 * giving pods back from the most important down while it still fits. Among candidate nodes the one
 * whose most important victim has the lowest priority wins, then the fewest victims. Inter-pod
 * affinity data is not recomputed for the simulated removals.
 */
public final class Preemption {

    /** The node to nominate and the pods to evict there. */
    public record Candidate(String node, List<PodInfo> victims) {}

    private final Algorithm algorithm;

    public Preemption(Algorithm algorithm) {
        this.algorithm = algorithm;
    }

    /** @return a candidate, or null when preemption cannot help */
    public Candidate find(PodInfo pod, Snapshot snapshot, FitError error) {
        if (pod.preemptNever()) {
            return null;
        }
        CycleState state = new CycleState();
        for (Plugin.PreFilter p : algorithm.profile().preFilters()) {
            p.preFilter(state, pod, snapshot);
        }
        Candidate best = null;
        for (var e : error.rejections().entrySet()) {
            if (e.getValue().unresolvable()) {
                continue;
            }
            NodeInfo node = snapshot.node(e.getKey());
            if (node == null) {
                continue;
            }
            Candidate c = victims(state, pod, node);
            if (c != null && (best == null || better(c, best))) {
                best = c;
            }
        }
        return best;
    }

    private Candidate victims(CycleState state, PodInfo pod, NodeInfo node) {
        List<PodInfo> lower = new ArrayList<>();
        for (PodInfo p : node.pods()) {
            if (p.priority() < pod.priority()) {
                lower.add(p);
            }
        }
        if (lower.isEmpty()) {
            return null;
        }
        NodeInfo sim = node.withNode(node);
        lower.forEach(p -> sim.removePod(p.key()));
        if (algorithm.filter(state, pod, sim) != null) {
            return null;
        }
        lower.sort(Comparator.comparingInt(PodInfo::priority).reversed());
        List<PodInfo> victims = new ArrayList<>();
        for (PodInfo p : lower) {
            sim.addPod(p);
            if (algorithm.filter(state, pod, sim) != null) {
                sim.removePod(p.key());
                victims.add(p);
            }
        }
        return new Candidate(node.name(), List.copyOf(victims));
    }

    private static boolean better(Candidate a, Candidate b) {
        int pa = a.victims().stream().mapToInt(PodInfo::priority).max().orElse(Integer.MIN_VALUE);
        int pb = b.victims().stream().mapToInt(PodInfo::priority).max().orElse(Integer.MIN_VALUE);
        if (pa != pb) {
            return pa < pb;
        }
        return a.victims().size() < b.victims().size();
    }
}
