package dev.keelson.control.scheduler.plugins;

import dev.keelson.control.scheduler.CycleState;
import dev.keelson.control.scheduler.NodeInfo;
import dev.keelson.control.scheduler.Plugin;
import dev.keelson.control.scheduler.PodInfo;
import dev.keelson.control.scheduler.Snapshot;
import java.util.HashMap;
import java.util.Map;

/**
 * Prefers nodes that already hold the pod's images, weighted by image size and by how many nodes
 * hold them (an image everywhere says little). Sizes below 23 MB count as nothing; the score
 * saturates at 1000 MB per container.
 */
public final class ImageLocality implements Plugin.PreFilter, Plugin.Score {
    private static final long MIN = 23L * 1024 * 1024;
    private static final long MAX_PER_CONTAINER = 1000L * 1024 * 1024;

    private record Spread(Map<String, Integer> nodesWithImage, int totalNodes) {}

    @Override
    public String name() {
        return "ImageLocality";
    }

    @Override
    public void preFilter(CycleState state, PodInfo pod, Snapshot snapshot) {
        Map<String, Integer> counts = new HashMap<>();
        for (NodeInfo n : snapshot.nodes()) {
            if (n.imageSizes().isEmpty()) {
                continue;
            }
            for (String image : pod.images()) {
                if (n.imageSizes().containsKey(image)) {
                    counts.merge(image, 1, Integer::sum);
                }
            }
        }
        state.put(Spread.class, new Spread(counts, snapshot.nodes().size()));
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        Spread spread = state.get(Spread.class);
        if (spread == null || spread.nodesWithImage().isEmpty() || node.imageSizes().isEmpty()) {
            return 0;
        }
        double sum = 0;
        for (String image : pod.images()) {
            Long size = node.imageSizes().get(image);
            if (size != null) {
                sum += size * ((double) spread.nodesWithImage().get(image) / spread.totalNodes());
            }
        }
        long max = MAX_PER_CONTAINER * Math.max(1, pod.images().size());
        double clamped = Math.max(MIN, Math.min(max, sum));
        return (long) (MAX_SCORE * (clamped - MIN) / (max - MIN));
    }
}
