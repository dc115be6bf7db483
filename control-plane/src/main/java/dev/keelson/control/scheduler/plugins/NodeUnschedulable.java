package dev.keelson.control.scheduler.plugins;

import dev.keelson.control.scheduler.CycleState;
import dev.keelson.control.scheduler.NodeInfo;
import dev.keelson.control.scheduler.Plugin;
import dev.keelson.control.scheduler.PodInfo;
import dev.keelson.control.scheduler.Taint;

/** Cordoned nodes ({@code spec.unschedulable}) take only pods tolerating the unschedulable taint. */
public final class NodeUnschedulable implements Plugin.Filter {
    private static final Taint CORDON = new Taint("node.kubernetes.io/unschedulable", "", "NoSchedule");
    private static final Rejection REJECTED = Rejection.unresolvable("node(s) were unschedulable");

    @Override
    public String name() {
        return "NodeUnschedulable";
    }

    @Override
    public Rejection filter(CycleState state, PodInfo pod, NodeInfo node) {
        return node.unschedulable() && !CORDON.toleratedBy(pod.tolerations()) ? REJECTED : null;
    }
}
