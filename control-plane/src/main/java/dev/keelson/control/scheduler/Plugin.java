package dev.keelson.control.scheduler;

import java.util.List;

/**
 * A scheduling policy, plugged into one or more extension points of a scheduling cycle:
 *
 * <pre>
 *   PreFilter ─► Filter (per node, until enough feasible nodes) ─► Score (per feasible node) ─► Bind
 *                    │ no node fits
 *                    └─► PostFilter (preemption)
 * </pre>
 *
 * Each policy is one class implementing the interfaces below that it needs (kube-scheduler's
 * framework has the same shape).
 */
public sealed interface Plugin permits Plugin.PreFilter, Plugin.Filter, Plugin.Score {

    String name();

    /** Computes per-cycle data (kept in the {@link CycleState}) before nodes are filtered. */
    non-sealed interface PreFilter extends Plugin {
        void preFilter(CycleState state, PodInfo pod, Snapshot snapshot);
    }

    /** Decides whether the pod can run on a node. */
    non-sealed interface Filter extends Plugin {
        /** @return null when the pod fits, else why not */
        Rejection filter(CycleState state, PodInfo pod, NodeInfo node);
    }

    /** Ranks feasible nodes: 0 (worst) to {@link #MAX_SCORE} after {@link #normalize}. */
    non-sealed interface Score extends Plugin {
        long MAX_SCORE = 100;

        long score(CycleState state, PodInfo pod, NodeInfo node);

        /** Rescales raw scores of all feasible nodes into 0..MAX_SCORE (default: already in range). */
        default void normalize(CycleState state, PodInfo pod, long[] scores) {}
    }

    /**
     * Why a node was filtered out. {@code unresolvable} means removing pods from the node cannot help
     * (a taint, a selector), so preemption skips it.
     */
    record Rejection(List<String> reasons, boolean unresolvable) {
        public static Rejection of(String reason) {
            return new Rejection(List.of(reason), false);
        }

        public static Rejection unresolvable(String reason) {
            return new Rejection(List.of(reason), true);
        }
    }
}
