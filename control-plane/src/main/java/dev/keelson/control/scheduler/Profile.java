package dev.keelson.control.scheduler;

import dev.keelson.control.scheduler.plugins.BalancedAllocation;
import dev.keelson.control.scheduler.plugins.ImageLocality;
import dev.keelson.control.scheduler.plugins.InterPodAffinity;
import dev.keelson.control.scheduler.plugins.NodeAffinity;
import dev.keelson.control.scheduler.plugins.NodeName;
import dev.keelson.control.scheduler.plugins.NodePorts;
import dev.keelson.control.scheduler.plugins.NodeResourcesFit;
import dev.keelson.control.scheduler.plugins.NodeUnschedulable;
import dev.keelson.control.scheduler.plugins.PodTopologySpread;
import dev.keelson.control.scheduler.plugins.TaintToleration;
import dev.keelson.control.scheduler.plugins.VolumeBinding;
import java.util.ArrayList;
import java.util.List;

/**
 * The plugins a scheduler runs, at each extension point, with score weights. A new policy is one
 * {@link Plugin} class added here (or to a custom profile).
 */
public record Profile(String schedulerName, List<Plugin.PreFilter> preFilters, List<Plugin.Filter> filters,
                      List<Weighted> scores) {

    /** A score plugin and its weight in the sum. */
    public record Weighted(Plugin.Score plugin, int weight) {}

    /** kube-scheduler's default plugin set and weights, with the chosen resource strategy. */
    public static Profile defaults(NodeResourcesFit.Strategy strategy) {
        var fit = new NodeResourcesFit(strategy);
        var taints = new TaintToleration();
        var nodeAffinity = new NodeAffinity();
        var podAffinity = new InterPodAffinity();
        var spread = new PodTopologySpread();
        var images = new ImageLocality();
        return new Profile("default-scheduler", List.of(podAffinity, spread, images),
                // cheap, common rejections first: a node is dropped at its first failing filter
                List.of(new NodeUnschedulable(), new NodeName(), taints, nodeAffinity, new NodePorts(), fit,
                        new VolumeBinding(), spread, podAffinity),
                List.of(new Weighted(fit, 1), new Weighted(new BalancedAllocation(), 1), new Weighted(images, 1),
                        new Weighted(podAffinity, 2), new Weighted(nodeAffinity, 2), new Weighted(spread, 2),
                        new Weighted(taints, 3)));
    }

    /** Every plugin name in this profile (for logs and docs). */
    public List<String> pluginNames() {
        List<String> names = new ArrayList<>();
        preFilters.forEach(p -> names.add(p.name()));
        filters.forEach(p -> { if (!names.contains(p.name())) names.add(p.name()); });
        scores.forEach(w -> { if (!names.contains(w.plugin().name())) names.add(w.plugin().name()); });
        return names;
    }
}
