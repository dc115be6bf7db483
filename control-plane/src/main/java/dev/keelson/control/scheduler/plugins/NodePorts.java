package dev.keelson.control.scheduler.plugins;

import dev.keelson.control.scheduler.CycleState;
import dev.keelson.control.scheduler.NodeInfo;
import dev.keelson.control.scheduler.Plugin;
import dev.keelson.control.scheduler.PodInfo;

/** A pod asking for a host port fits only nodes where no placed pod holds that port. */
public final class NodePorts implements Plugin.Filter {
    private static final Rejection REJECTED = Rejection.of("node(s) didn't have free ports for the requested pod ports");

    @Override
    public String name() {
        return "NodePorts";
    }

    @Override
    public Rejection filter(CycleState state, PodInfo pod, NodeInfo node) {
        if (pod.hostPorts().isEmpty()) {
            return null;
        }
        for (PodInfo placed : node.pods()) {
            for (PodInfo.HostPort theirs : placed.hostPorts()) {
                for (PodInfo.HostPort mine : pod.hostPorts()) {
                    if (mine.conflicts(theirs)) {
                        return REJECTED;
                    }
                }
            }
        }
        return null;
    }
}
