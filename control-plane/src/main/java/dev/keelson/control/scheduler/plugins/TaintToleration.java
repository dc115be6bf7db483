package dev.keelson.control.scheduler.plugins;

import dev.keelson.control.scheduler.CycleState;
import dev.keelson.control.scheduler.NodeInfo;
import dev.keelson.control.scheduler.Plugin;
import dev.keelson.control.scheduler.PodInfo;
import dev.keelson.control.scheduler.Taint;

/**
 * Filters out nodes with a NoSchedule/NoExecute taint the pod does not tolerate; prefers nodes with
 * fewer untolerated PreferNoSchedule taints.
 */
public final class TaintToleration implements Plugin.Filter, Plugin.Score {

    @Override
    public String name() {
        return "TaintToleration";
    }

    @Override
    public Rejection filter(CycleState state, PodInfo pod, NodeInfo node) {
        for (Taint t : node.taints()) {
            if ((t.effect().equals("NoSchedule") || t.effect().equals("NoExecute")) && !t.toleratedBy(pod.tolerations())) {
                return Rejection.unresolvable("node(s) had untolerated taint " + t);
            }
        }
        return null;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        long n = 0;
        for (Taint t : node.taints()) {
            if (t.effect().equals("PreferNoSchedule") && !t.toleratedBy(pod.tolerations())) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, long[] scores) {
        Scores.normalize(scores, true);
    }
}
