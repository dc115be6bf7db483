package dev.keelson.control.scheduler.plugins;

import dev.keelson.control.scheduler.CycleState;
import dev.keelson.control.scheduler.NodeInfo;
import dev.keelson.control.scheduler.Plugin;
import dev.keelson.control.scheduler.PodInfo;
import dev.keelson.control.scheduler.Resources;

/** Prefers nodes whose CPU and memory would be used in similar fractions after placement. */
public final class BalancedAllocation implements Plugin.Score {

    @Override
    public String name() {
        return "NodeResourcesBalancedAllocation";
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        Resources alloc = node.allocatable();
        if (alloc.milliCpu() <= 0 || alloc.memory() <= 0) {
            return 0;
        }
        Resources used = node.nonZeroRequested().plus(pod.nonZero());
        double cpu = Math.min(1.0, (double) used.milliCpu() / alloc.milliCpu());
        double mem = Math.min(1.0, (double) used.memory() / alloc.memory());
        double std = Math.abs(cpu - mem) / 2;
        return (long) ((1 - std) * MAX_SCORE);
    }
}
