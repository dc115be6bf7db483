package dev.keelson.control.scheduler.plugins;

import dev.keelson.control.scheduler.CycleState;
import dev.keelson.control.scheduler.NodeInfo;
import dev.keelson.control.scheduler.Plugin;
import dev.keelson.control.scheduler.PodInfo;

/** A pod naming a node in {@code spec.nodeName} fits only that node. */
public final class NodeName implements Plugin.Filter {
    private static final Rejection REJECTED = Rejection.unresolvable("node(s) didn't match the requested node name");

    @Override
    public String name() {
        return "NodeName";
    }

    @Override
    public Rejection filter(CycleState state, PodInfo pod, NodeInfo node) {
        return pod.nodeName().isEmpty() || pod.nodeName().equals(node.name()) ? null : REJECTED;
    }
}
