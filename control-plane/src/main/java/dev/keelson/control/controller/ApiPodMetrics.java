package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.control.model.Quantity;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link PodMetrics} from the {@code metrics.k8s.io/v1beta1} PodMetrics API, as metrics-server serves it. */
public final class ApiPodMetrics implements PodMetrics {
    static final Resource POD_METRICS = new Resource("metrics.k8s.io", "v1beta1", "pods", true);

    private final KubeClient client;

    public ApiPodMetrics(KubeClient client) {
        this.client = client;
    }

    @Override
    public List<PodUsage> cpu(String namespace, String labelSelector) {
        String query = labelSelector.isEmpty() ? null : "labelSelector=" + URLEncoder.encode(labelSelector, StandardCharsets.UTF_8);
        return parse(client.list(POD_METRICS, namespace, query));
    }

    /** The usages in a {@code PodMetricsList}. */
    static List<PodUsage> parse(JsonNode list) {
        List<PodUsage> out = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            long milli = 0;
            for (JsonNode c : item.path("containers")) {
                String cpu = c.path("usage").path("cpu").asText("");
                if (!cpu.isEmpty()) {
                    milli += Quantity.parse(cpu).milliValue();
                }
            }
            Instant t = Conditions.parse(item.get("timestamp"));
            out.add(new PodUsage(Pods.name(item), milli, t == null ? Instant.EPOCH : t));
        }
        return out;
    }
}
