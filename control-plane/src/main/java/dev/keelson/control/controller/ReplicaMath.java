package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * The autoscaler's replica count for a CPU utilisation target, as kube-controller-manager computes
 * it. With the usage ratio {@code r = (Σ usage / Σ request) / target} over the ready pods that have
 * metrics:
 *
 * <pre>
 *   |1 − r| ≤ tolerance            → keep the current count
 *   otherwise                      → ceil(r × pods with metrics)
 * </pre>
 *
 * Pods without metrics are counted pessimistically — as using their whole request when scaling
 * down, as idle when scaling up — and not-ready pods as idle when scaling up; if that reverses the
 * direction or lands within the tolerance, the count stays. Pods being deleted or finished are
 * ignored.
 */
public final class ReplicaMath {
    public static final double DEFAULT_TOLERANCE = 0.1;

    /**
     * @param replicas the recommended count (meaningful when {@code error} is null)
     * @param utilization the current average utilisation of the ready pods, in percent of requests
     * @param averageMilli the current average usage of those pods, in millicores
     * @param error why no count could be computed (ScalingActive=False), else null
     */
    public record Result(int replicas, int utilization, long averageMilli, String error) {
        static Result failed(String error) {
            return new Result(0, 0, 0, error);
        }
    }

    private ReplicaMath() {}

    public static Result compute(List<ObjectNode> pods, Map<String, Long> usage, int targetUtilization, int current,
                                 double tolerance) {
        long readyUsage = 0;
        long readyRequest = 0;
        int withMetrics = 0;
        long missingRequest = 0;
        int missing = 0;
        long unreadyRequest = 0;
        int unready = 0;
        for (ObjectNode pod : pods) {
            if (pod.path("metadata").has("deletionTimestamp")) {
                continue;
            }
            String phase = pod.path("status").path("phase").asText("");
            if (phase.equals("Failed") || phase.equals("Succeeded")) {
                continue;
            }
            long request = 0;
            for (JsonNode c : pod.path("spec").path("containers")) {
                String cpu = c.path("resources").path("requests").path("cpu").asText("");
                if (cpu.isEmpty()) {
                    return Result.failed("failed to get cpu utilization: missing request for cpu in container "
                            + c.path("name").asText() + " of Pod " + Pods.name(pod));
                }
                request += Quantity.parse(cpu).milliValue();
            }
            Long used = usage.get(Pods.name(pod));
            if (used == null) {
                missing++;
                missingRequest += request;
            } else if (phase.equals("Pending") || !Pods.ready(pod)) {
                unready++;
                unreadyRequest += request;
            } else {
                withMetrics++;
                readyUsage += used;
                readyRequest += request;
            }
        }
        if (withMetrics == 0 || readyRequest == 0) {
            return Result.failed("failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)");
        }
        int utilization = (int) (readyUsage * 100 / readyRequest);
        long average = readyUsage / withMetrics;
        double ratio = (double) readyUsage / readyRequest * 100 / targetUtilization;
        boolean rebalanceUnready = unready > 0 && ratio > 1.0;
        if (!rebalanceUnready && missing == 0) {
            if (Math.abs(1.0 - ratio) <= tolerance) {
                return new Result(current, utilization, average, null);
            }
            return new Result((int) Math.ceil(ratio * withMetrics), utilization, average, null);
        }
        long totalUsage = readyUsage;
        long totalRequest = readyRequest;
        int count = withMetrics;
        if (missing > 0) {
            // scaling down: assume they use all they asked for; scaling up: assume they use nothing
            totalUsage += ratio < 1.0 ? missingRequest : 0;
            totalRequest += missingRequest;
            count += missing;
        }
        if (rebalanceUnready) {
            totalRequest += unreadyRequest;
            count += unready;
        }
        double newRatio = (double) totalUsage / totalRequest * 100 / targetUtilization;
        if (Math.abs(1.0 - newRatio) <= tolerance || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) {
            return new Result(current, utilization, average, null);
        }
        int replicas = (int) Math.ceil(newRatio * count);
        if ((newRatio < 1.0 && replicas > current) || (newRatio > 1.0 && replicas < current)) {
            return new Result(current, utilization, average, null);
        }
        return new Result(replicas, utilization, average, null);
    }
}
