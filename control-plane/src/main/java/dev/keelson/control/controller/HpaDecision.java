package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;

/**
 * One autoscaler pass without I/O: from the target's current replica count and the
 * {@link ReplicaMath} recommendation, through the {@link Stabilizer} and the min/max bounds, to
 * the count to scale to and the status — currentReplicas, desiredReplicas, currentMetrics,
 * lastScaleTime and the conditions {@code kubectl describe hpa} shows:
 *
 * <pre>
 *   AbleToScale     True  ReadyForNewScale | SucceededRescale | ScaleDownStabilized | ScaleUpStabilized
 *   ScalingActive   True  ValidMetricFound · False FailedGetResourceMetric | ScalingDisabled
 *   ScalingLimited  True  TooManyReplicas | TooFewReplicas · False DesiredWithinRange
 * </pre>
 */
public record HpaDecision(int desired, boolean rescale, ObjectNode status) {
    /** The CPU target when an autoscaler names none (autoscaling/v1's default). */
    static final int DEFAULT_TARGET = 80;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The CPU utilisation target (percent of requests) of an autoscaler. */
    public static int targetUtilization(JsonNode hpa) {
        for (JsonNode m : hpa.path("spec").path("metrics")) {
            JsonNode r = m.path("resource");
            if (m.path("type").asText().equals("Resource") && r.path("name").asText().equals("cpu")
                    && r.path("target").has("averageUtilization")) {
                return r.path("target").path("averageUtilization").asInt(DEFAULT_TARGET);
            }
        }
        return hpa.path("spec").path("targetCPUUtilizationPercentage").asInt(DEFAULT_TARGET);
    }

    /**
     * @param defaultDownWindow the scale-down stabilisation window when the autoscaler's behavior sets none
     */
    public static HpaDecision of(ObjectNode hpa, int current, ReplicaMath.Result metric, Stabilizer stabilizer,
                                 Duration defaultDownWindow, Instant now) {
        JsonNode spec = hpa.path("spec");
        JsonNode old = hpa.path("status").path("conditions");
        int min = spec.path("minReplicas").asInt(1);
        int max = spec.path("maxReplicas").asInt(Integer.MAX_VALUE);
        ObjectNode status = MAPPER.createObjectNode();
        status.put("observedGeneration", hpa.path("metadata").path("generation").asLong());
        if (hpa.path("status").has("lastScaleTime")) {
            status.set("lastScaleTime", hpa.path("status").get("lastScaleTime"));
        }
        status.put("currentReplicas", current);
        ArrayNode conds = MAPPER.createArrayNode();
        if (current == 0 && min != 0) {
            status.put("desiredReplicas", 0);
            Conditions.set(conds, Conditions.of(old, "ScalingActive", "False", "ScalingDisabled",
                    "scaling is disabled since the replica count of the target is zero", now));
            status.set("conditions", conds);
            return new HpaDecision(0, false, status);
        }
        if (metric.error() != null) {
            status.put("desiredReplicas", current);
            conds.add(Conditions.of(old, "AbleToScale", "True", "SucceededGetScale",
                    "the HPA controller was able to get the target's current scale", now));
            conds.add(Conditions.of(old, "ScalingActive", "False", "FailedGetResourceMetric", metric.error(), now));
            status.set("conditions", conds);
            return new HpaDecision(current, false, status);
        }
        String key = Pods.namespace(hpa) + "/" + Pods.name(hpa);
        Duration up = window(spec.path("behavior").path("scaleUp"), Duration.ZERO);
        Duration down = window(spec.path("behavior").path("scaleDown"), defaultDownWindow);
        int stabilized = stabilizer.apply(key, metric.replicas(), current, now, up, down);
        int desired = stabilized;
        String limitReason = "DesiredWithinRange";
        String limitMessage = "the desired count is within the acceptable range";
        if (stabilized > max) {
            desired = max;
            limitReason = "TooManyReplicas";
            limitMessage = "the desired replica count is more than the maximum replica count";
        } else if (stabilized < min) {
            desired = min;
            limitReason = "TooFewReplicas";
            limitMessage = "the desired replica count is less than the minimum replica count";
        }
        boolean rescale = desired != current;
        if (rescale) {
            conds.add(Conditions.of(old, "AbleToScale", "True", "SucceededRescale",
                    "the HPA controller was able to update the target scale to " + desired, now));
            status.put("lastScaleTime", Conditions.time(now));
        } else if (stabilized != metric.replicas()) {
            boolean downHeld = metric.replicas() < stabilized;
            conds.add(Conditions.of(old, "AbleToScale", "True", downHeld ? "ScaleDownStabilized" : "ScaleUpStabilized",
                    downHeld ? "recent recommendations were higher than current one, applying the highest recent recommendation"
                            : "recent recommendations were lower than current one, applying the lowest recent recommendation", now));
        } else {
            conds.add(Conditions.of(old, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size", now));
        }
        conds.add(Conditions.of(old, "ScalingActive", "True", "ValidMetricFound",
                "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", now));
        conds.add(Conditions.of(old, "ScalingLimited", limitReason.equals("DesiredWithinRange") ? "False" : "True",
                limitReason, limitMessage, now));
        status.put("desiredReplicas", desired);
        ObjectNode cur = status.putArray("currentMetrics").addObject().put("type", "Resource").putObject("resource");
        cur.put("name", "cpu").putObject("current").put("averageUtilization", metric.utilization())
                .put("averageValue", metric.averageMilli() + "m");
        status.set("conditions", conds);
        return new HpaDecision(desired, rescale, status);
    }

    private static Duration window(JsonNode rules, Duration fallback) {
        JsonNode w = rules.get("stabilizationWindowSeconds");
        return w != null && w.canConvertToInt() ? Duration.ofSeconds(w.asInt()) : fallback;
    }
}
