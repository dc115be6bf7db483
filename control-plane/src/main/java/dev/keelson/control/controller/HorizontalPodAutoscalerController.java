package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.control.model.Json;
import dev.keelson.control.model.LabelSelector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scales Deployments and ReplicaSets on CPU utilisation (autoscaling/v2 HorizontalPodAutoscaler):
 * every sync period each autoscaler reads its target's {@code scale} subresource, the target's
 * pods from the pod cache and their usage from {@link PodMetrics}, asks {@link HpaDecision} for
 * the count, writes the new {@code spec.replicas} through the {@code scale} subresource, and
 * records the status.
 */
public final class HorizontalPodAutoscalerController implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * @param syncPeriod how often each autoscaler is evaluated (15 s in Kubernetes)
     * @param downscaleWindow the default scale-down stabilisation window (300 s)
     * @param tolerance the usage ratio band around 1.0 that causes no scaling (0.1)
     */
    public record Options(Duration syncPeriod, Duration downscaleWindow, double tolerance) {
        public static final Options DEFAULTS = new Options(Duration.ofSeconds(15), Duration.ofMinutes(5), ReplicaMath.DEFAULT_TOLERANCE);
    }

    private final KubeClient client;
    private final Informer hpas;
    private final Informer pods;
    private final PodMetrics metrics;
    private final Options options;
    private final Clock clock;
    private final Stabilizer stabilizer = new Stabilizer();
    private final WorkQueue queue = new WorkQueue();
    private final Timers timers = new Timers(queue);
    private ControllerLoop loop;

    public HorizontalPodAutoscalerController(KubeClient client, Informer hpas, Informer pods, PodMetrics metrics,
                                             Options options, Clock clock) {
        this.client = client;
        this.hpas = hpas;
        this.pods = pods;
        this.metrics = metrics;
        this.options = options;
        this.clock = clock;
        hpas.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode o) {
                queue.add(Informer.key(o));
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode o) {
                if (!old.path("spec").equals(o.path("spec"))) {
                    queue.add(Informer.key(o));  // status writes of our own do not re-trigger a pass
                }
            }

            @Override
            public void onDelete(ObjectNode o) {
                stabilizer.forget(Informer.key(o));
            }
        });
    }

    public HorizontalPodAutoscalerController start(int workers) {
        loop = new ControllerLoop("horizontalpodautoscaler", queue, this::reconcile).start(workers);
        return this;
    }

    void reconcile(String key) {
        ObjectNode hpa = hpas.get(key);
        if (hpa == null) {
            timers.forget(key);
            return;
        }
        try {
            evaluate(key, hpa);
        } finally {
            timers.wakeAfter(key, options.syncPeriod().toMillis());
        }
    }

    private void evaluate(String key, ObjectNode hpa) {
        Instant now = clock.instant();
        String ns = Pods.namespace(hpa);
        var ref = hpa.path("spec").path("scaleTargetRef");
        Resource target = Kinds.of(ref.path("apiVersion").asText(), ref.path("kind").asText());
        ObjectNode scale;
        LabelSelector selector;
        try {
            if (target == null) {
                throw new ApiException(404, "NotFound", "unsupported scale target " + ref.path("apiVersion").asText() + "/"
                        + ref.path("kind").asText());
            }
            scale = client.get(target, ns, ref.path("name").asText(), "scale");
            selector = LabelSelector.of(client.get(target, ns, ref.path("name").asText()).path("spec").get("selector"));
        } catch (ApiException e) {
            writeStatus(hpa, failedCondition(hpa, "FailedGetScale",
                    "the HPA controller was unable to get the target's current scale: " + e.getMessage(), now));
            return;
        }
        int current = scale.path("spec").path("replicas").asInt(0);
        List<ObjectNode> targetPods = new ArrayList<>();
        for (ObjectNode p : pods.list(ns)) {
            if (selector.matches(Json.stringMap(p.path("metadata").path("labels")))) {
                targetPods.add(p);
            }
        }
        ReplicaMath.Result metric;
        try {
            Map<String, Long> usage = new HashMap<>();
            metrics.cpu(ns, selector.toString()).forEach(u -> usage.put(u.pod(), u.milliCpu()));
            metric = ReplicaMath.compute(targetPods, usage, HpaDecision.targetUtilization(hpa), current, options.tolerance());
        } catch (RuntimeException e) {
            metric = ReplicaMath.Result.failed("failed to get cpu utilization: unable to get metrics for resource cpu: " + e.getMessage());
        }
        HpaDecision d = HpaDecision.of(hpa, current, metric, stabilizer, options.downscaleWindow(), now);
        ObjectNode status = d.status();
        if (d.rescale()) {
            ObjectNode updated = scale.deepCopy();
            updated.withObjectProperty("spec").put("replicas", d.desired());
            try {
                client.update(target, updated, "scale");
            } catch (ApiException e) {
                status = failedCondition(hpa, "FailedUpdateScale",
                        "the HPA controller was unable to update the target scale: " + e.getMessage(), now);
                status.put("currentReplicas", current).put("desiredReplicas", d.desired());
            }
        }
        writeStatus(hpa, status);
    }

    /** The old status with AbleToScale=False for {@code reason}. */
    private static ObjectNode failedCondition(ObjectNode hpa, String reason, String message, Instant now) {
        ObjectNode status = hpa.path("status").isObject() ? (ObjectNode) hpa.path("status").deepCopy() : MAPPER.createObjectNode();
        ArrayNode conds = status.withArray("conditions");
        Conditions.set(conds, Conditions.of(hpa.path("status").path("conditions"), "AbleToScale", "False", reason, message, now));
        return status;
    }

    private void writeStatus(ObjectNode hpa, ObjectNode status) {
        if (status.equals(hpa.path("status"))) {
            return;
        }
        ObjectNode updated = hpa.deepCopy();
        updated.set("status", status);
        Calls.unlessGoneOrStale(() -> client.update(Resource.HPAS, updated, "status"));
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
