package dev.keelson.control.scheduler.plugins;

import dev.keelson.control.scheduler.AffinityTerm;
import dev.keelson.control.scheduler.CycleState;
import dev.keelson.control.scheduler.NodeInfo;
import dev.keelson.control.scheduler.Plugin;
import dev.keelson.control.scheduler.PodInfo;
import dev.keelson.control.scheduler.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Required pod affinity and anti-affinity (the incoming pod's terms, and existing pods' required
 * anti-affinity against the incoming pod) as a filter; preferred terms as a score. A topology domain
 * is a {@code topologyKey=value} pair of node labels.
 */
public final class InterPodAffinity implements Plugin.PreFilter, Plugin.Filter, Plugin.Score {

    /** Per-cycle counts, by term, of matching pods per domain value. */
    private record Domains(Map<String, Set<String>> existingAnti, List<Set<String>> affinity,
                           boolean anyAffinityMatch, List<Set<String>> anti,
                           List<Map<String, Integer>> preferred, List<Map<String, Integer>> preferredAnti) {}

    @Override
    public String name() {
        return "InterPodAffinity";
    }

    @Override
    public void preFilter(CycleState state, PodInfo pod, Snapshot snapshot) {
        if (!pod.hasPodAffinity() && !snapshot.anyPodWithAffinity()) {
            return;
        }
        Map<String, Set<String>> existingAnti = new HashMap<>();
        List<Set<String>> affinity = sets(pod.requiredAffinity().size());
        List<Set<String>> anti = sets(pod.requiredAntiAffinity().size());
        List<Map<String, Integer>> pref = maps(pod.preferredAffinity().size());
        List<Map<String, Integer>> prefAnti = maps(pod.preferredAntiAffinity().size());
        boolean any = false;
        for (NodeInfo node : snapshot.nodes()) {
            for (PodInfo existing : node.podsWithAffinity()) {
                for (AffinityTerm t : existing.requiredAntiAffinity()) {
                    String v = node.labels().get(t.topologyKey());
                    if (v != null && t.matches(pod)) {
                        existingAnti.computeIfAbsent(t.topologyKey(), k -> new HashSet<>()).add(v);
                    }
                }
            }
            if (!pod.hasPodAffinity()) {
                continue;
            }
            for (PodInfo existing : node.pods()) {
                any |= record(pod.requiredAffinity(), existing, node, affinity, null);
                record(pod.requiredAntiAffinity(), existing, node, anti, null);
                record(pod.preferredAffinity(), existing, node, null, pref);
                record(pod.preferredAntiAffinity(), existing, node, null, prefAnti);
            }
        }
        state.put(Domains.class, new Domains(existingAnti, affinity, any, anti, pref, prefAnti));
    }

    private static boolean record(List<AffinityTerm> terms, PodInfo existing, NodeInfo node,
                                  List<Set<String>> sets, List<Map<String, Integer>> counts) {
        boolean matched = false;
        for (int i = 0; i < terms.size(); i++) {
            AffinityTerm t = terms.get(i);
            String v = node.labels().get(t.topologyKey());
            if (v != null && t.matches(existing)) {
                matched = true;
                if (sets != null) {
                    sets.get(i).add(v);
                } else {
                    counts.get(i).merge(v, 1, Integer::sum);
                }
            }
        }
        return matched;
    }

    @Override
    public Rejection filter(CycleState state, PodInfo pod, NodeInfo node) {
        Domains d = state.get(Domains.class);
        if (d == null) {
            return null;
        }
        for (var e : d.existingAnti().entrySet()) {
            String v = node.labels().get(e.getKey());
            if (v != null && e.getValue().contains(v)) {
                return Rejection.of("node(s) didn't satisfy existing pods anti-affinity rules");
            }
        }
        for (int i = 0; i < pod.requiredAntiAffinity().size(); i++) {
            String v = node.labels().get(pod.requiredAntiAffinity().get(i).topologyKey());
            if (v != null && d.anti().get(i).contains(v)) {
                return Rejection.of("node(s) didn't match pod anti-affinity rules");
            }
        }
        if (!pod.requiredAffinity().isEmpty()) {
            boolean selfMatch = !d.anyAffinityMatch() && pod.requiredAffinity().stream().allMatch(t -> t.matches(pod));
            for (int i = 0; i < pod.requiredAffinity().size(); i++) {
                String v = node.labels().get(pod.requiredAffinity().get(i).topologyKey());
                if (v == null || !(selfMatch || d.affinity().get(i).contains(v))) {
                    return Rejection.unresolvable("node(s) didn't match pod affinity rules");
                }
            }
        }
        return null;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        Domains d = state.get(Domains.class);
        if (d == null) {
            return 0;
        }
        long s = 0;
        for (int i = 0; i < pod.preferredAffinity().size(); i++) {
            AffinityTerm t = pod.preferredAffinity().get(i);
            String v = node.labels().get(t.topologyKey());
            s += v == null ? 0 : (long) t.weight() * d.preferred().get(i).getOrDefault(v, 0);
        }
        for (int i = 0; i < pod.preferredAntiAffinity().size(); i++) {
            AffinityTerm t = pod.preferredAntiAffinity().get(i);
            String v = node.labels().get(t.topologyKey());
            s -= v == null ? 0 : (long) t.weight() * d.preferredAnti().get(i).getOrDefault(v, 0);
        }
        return s;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, long[] scores) {
        Scores.minMax(scores);
    }

    private static List<Set<String>> sets(int n) {
        List<Set<String>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new HashSet<>());
        }
        return out;
    }

    private static List<Map<String, Integer>> maps(int n) {
        List<Map<String, Integer>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new HashMap<>());
        }
        return out;
    }
}
