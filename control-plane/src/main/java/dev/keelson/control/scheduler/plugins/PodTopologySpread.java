package dev.keelson.control.scheduler.plugins;

import dev.keelson.control.scheduler.CycleState;
import dev.keelson.control.scheduler.NodeInfo;
import dev.keelson.control.scheduler.Plugin;
import dev.keelson.control.scheduler.PodInfo;
import dev.keelson.control.scheduler.Snapshot;
import dev.keelson.control.scheduler.SpreadConstraint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Topology spread constraints: a DoNotSchedule constraint filters out domains where placing the pod
 * would make (matching pods in the domain − matching pods in the emptiest domain) exceed maxSkew;
 * ScheduleAnyway constraints score emptier domains higher. Only nodes that pass the pod's node
 * selector and required node affinity count as domains (nodeAffinityPolicy Honor).
 */
public final class PodTopologySpread implements Plugin.PreFilter, Plugin.Filter, Plugin.Score {

    private record Counts(List<Map<String, Integer>> perConstraint, int[] min) {}

    @Override
    public String name() {
        return "PodTopologySpread";
    }

    @Override
    public void preFilter(CycleState state, PodInfo pod, Snapshot snapshot) {
        List<SpreadConstraint> cs = pod.spread();
        if (cs.isEmpty()) {
            return;
        }
        List<Map<String, Integer>> counts = new ArrayList<>();
        cs.forEach(c -> counts.add(new HashMap<>()));
        for (NodeInfo node : snapshot.nodes()) {
            if (!NodeAffinity.matches(pod, node.name(), node.labels())) {
                continue;
            }
            for (int i = 0; i < cs.size(); i++) {
                SpreadConstraint c = cs.get(i);
                String v = node.labels().get(c.topologyKey());
                if (v == null) {
                    continue;
                }
                int n = 0;
                for (PodInfo p : node.pods()) {
                    if (p.namespace().equals(pod.namespace()) && c.selector().matches(p.labels())) {
                        n++;
                    }
                }
                counts.get(i).merge(v, n, Integer::sum);
            }
        }
        int[] min = new int[cs.size()];
        for (int i = 0; i < cs.size(); i++) {
            Map<String, Integer> m = counts.get(i);
            min[i] = m.size() < cs.get(i).minDomains() ? 0 : m.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        }
        state.put(Counts.class, new Counts(counts, min));
    }

    @Override
    public Rejection filter(CycleState state, PodInfo pod, NodeInfo node) {
        Counts counts = state.get(Counts.class);
        if (counts == null) {
            return null;
        }
        for (int i = 0; i < pod.spread().size(); i++) {
            SpreadConstraint c = pod.spread().get(i);
            if (!c.hard()) {
                continue;
            }
            String v = node.labels().get(c.topologyKey());
            if (v == null) {
                return Rejection.unresolvable("node(s) didn't match pod topology spread constraints (missing required label)");
            }
            int self = c.selector().matches(pod.labels()) ? 1 : 0;
            if (counts.perConstraint().get(i).getOrDefault(v, 0) + self - counts.min()[i] > c.maxSkew()) {
                return Rejection.of("node(s) didn't match pod topology spread constraints");
            }
        }
        return null;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        Counts counts = state.get(Counts.class);
        if (counts == null) {
            return 0;
        }
        long s = 0;
        for (int i = 0; i < pod.spread().size(); i++) {
            SpreadConstraint c = pod.spread().get(i);
            String v = node.labels().get(c.topologyKey());
            if (!c.hard() && v != null) {
                s += counts.perConstraint().get(i).getOrDefault(v, 0);
            }
        }
        return s;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, long[] scores) {
        Scores.normalize(scores, true);
    }
}
