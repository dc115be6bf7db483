package dev.keelson.control.scheduler.plugins;

import dev.keelson.control.scheduler.CycleState;
import dev.keelson.control.scheduler.NodeInfo;
import dev.keelson.control.scheduler.Plugin;
import dev.keelson.control.scheduler.PodInfo;
import dev.keelson.control.scheduler.Resources;
import java.util.ArrayList;
import java.util.List;

/**
 * Filters nodes whose allocatable resources cannot hold the pod's requests next to what is placed
 * there, and scores the rest by CPU and memory use after placement: {@link Strategy#LEAST_ALLOCATED}
 * spreads pods, {@link Strategy#MOST_ALLOCATED} packs them (bin packing).
 */
public final class NodeResourcesFit implements Plugin.Filter, Plugin.Score {

    /** How free capacity turns into a score. */
    public enum Strategy { LEAST_ALLOCATED, MOST_ALLOCATED }

    private final Strategy strategy;

    public NodeResourcesFit(Strategy strategy) {
        this.strategy = strategy;
    }

    @Override
    public String name() {
        return "NodeResourcesFit";
    }

    @Override
    public Rejection filter(CycleState state, PodInfo pod, NodeInfo node) {
        Resources alloc = node.allocatable();
        Resources used = node.requested();
        Resources want = pod.requests();
        List<String> reasons = null;
        if (node.podCount() + 1 > alloc.pods()) {
            reasons = add(reasons, "Too many pods");
        }
        if (want.milliCpu() > 0 && used.milliCpu() + want.milliCpu() > alloc.milliCpu()) {
            reasons = add(reasons, "Insufficient cpu");
        }
        if (want.memory() > 0 && used.memory() + want.memory() > alloc.memory()) {
            reasons = add(reasons, "Insufficient memory");
        }
        if (want.ephemeralStorage() > 0 && used.ephemeralStorage() + want.ephemeralStorage() > alloc.ephemeralStorage()) {
            reasons = add(reasons, "Insufficient ephemeral-storage");
        }
        for (var e : want.scalars().entrySet()) {
            if (e.getValue() > 0 && used.scalar(e.getKey()) + e.getValue() > alloc.scalar(e.getKey())) {
                reasons = add(reasons, "Insufficient " + e.getKey());
            }
        }
        return reasons == null ? null : new Rejection(List.copyOf(reasons), false);
    }

    private static List<String> add(List<String> reasons, String reason) {
        List<String> out = reasons == null ? new ArrayList<>(2) : reasons;
        out.add(reason);
        return out;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        Resources alloc = node.allocatable();
        Resources used = node.nonZeroRequested().plus(pod.nonZero());
        return (part(used.milliCpu(), alloc.milliCpu()) + part(used.memory(), alloc.memory())) / 2;
    }

    private long part(long requested, long capacity) {
        if (capacity <= 0) {
            return 0;
        }
        long r = Math.min(requested, capacity);
        return strategy == Strategy.LEAST_ALLOCATED
                ? (capacity - r) * MAX_SCORE / capacity
                : r * MAX_SCORE / capacity;
    }
}
