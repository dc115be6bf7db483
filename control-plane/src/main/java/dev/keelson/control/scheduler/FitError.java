package dev.keelson.control.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * No node fits a pod. {@link #message()} reads like kube-scheduler's event and condition message:
 * {@code 0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu.}
 *
 * @param rejections why each filtered node failed (for preemption)
 */
public record FitError(int nodes, Map<String, Plugin.Rejection> rejections) {

    public String message() {
        Map<String, Integer> histogram = new TreeMap<>();
        rejections.values().forEach(r -> r.reasons().forEach(reason -> histogram.merge(reason, 1, Integer::sum)));
        List<String> parts = new ArrayList<>();
        histogram.forEach((reason, n) -> parts.add(n + " " + reason));
        parts.sort(null);
        return "0/" + nodes + " nodes are available" + (parts.isEmpty() ? "." : ": " + String.join(", ", parts) + ".");
    }
}
