package dev.keelson.control.scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One scheduling cycle: run the profile's PreFilter plugins, filter nodes starting where the last
 * cycle stopped until enough feasible nodes are found (kube-scheduler's adaptive
 * percentageOfNodesToScore: 50% of the nodes minus 1% per 125 nodes, at least 5% and at least 100
 * nodes), score them, and pick the best (ties broken at random).
 */
public final class Algorithm {
    private static final int MIN_FEASIBLE = 100;

    private final Profile profile;
    private int nextStart;

    public Algorithm(Profile profile) {
        this.profile = profile;
    }

    public Profile profile() {
        return profile;
    }

    /** The outcome: a node name, or why no node fits. */
    public record Result(String node, FitError error) {}

    /** Schedules {@code pod} on {@code snapshot}; the caller holds the snapshot's lock. */
    public Result schedule(PodInfo pod, Snapshot snapshot) {
        List<NodeInfo> nodes = snapshot.nodes();
        int n = nodes.size();
        if (n == 0) {
            return new Result(null, new FitError(0, Map.of()));
        }
        CycleState state = new CycleState();
        for (Plugin.PreFilter p : profile.preFilters()) {
            p.preFilter(state, pod, snapshot);
        }
        int want = feasibleToFind(n);
        NodeInfo[] feasible = new NodeInfo[Math.min(want, n)];
        int found = 0;
        Map<String, Plugin.Rejection> rejected = null;
        int start = nextStart % n;
        int visited = 0;
        while (visited < n && found < want) {
            NodeInfo node = nodes.get((start + visited) % n);
            visited++;
            Plugin.Rejection r = filter(state, pod, node);
            if (r == null) {
                feasible[found++] = node;
            } else {
                if (rejected == null) {
                    rejected = new HashMap<>();
                }
                rejected.put(node.name(), r);
            }
        }
        nextStart = (start + visited) % n;
        if (found == 0) {
            return new Result(null, new FitError(n, rejected == null ? Map.of() : rejected));
        }
        if (found == 1) {
            return new Result(feasible[0].name(), null);
        }
        return new Result(best(state, pod, feasible, found).name(), null);
    }

    /** Runs the filters on one node: null when the pod fits. */
    public Plugin.Rejection filter(CycleState state, PodInfo pod, NodeInfo node) {
        for (Plugin.Filter f : profile.filters()) {
            Plugin.Rejection r = f.filter(state, pod, node);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    static int feasibleToFind(int nodes) {
        if (nodes < MIN_FEASIBLE) {
            return nodes;
        }
        int percent = Math.max(5, 50 - nodes / 125);
        return Math.max(MIN_FEASIBLE, nodes * percent / 100);
    }

    private NodeInfo best(CycleState state, PodInfo pod, NodeInfo[] feasible, int found) {
        long[] total = new long[found];
        long[] scores = new long[found];
        for (Profile.Weighted w : profile.scores()) {
            for (int i = 0; i < found; i++) {
                scores[i] = w.plugin().score(state, pod, feasible[i]);
            }
            w.plugin().normalize(state, pod, scores);
            for (int i = 0; i < found; i++) {
                total[i] += scores[i] * w.weight();
            }
        }
        int best = 0;
        int ties = 1;
        for (int i = 1; i < found; i++) {
            if (total[i] > total[best]) {
                best = i;
                ties = 1;
            } else if (total[i] == total[best] && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                best = i;
            }
        }
        return feasible[best];
    }
}
