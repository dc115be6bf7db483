package dev.keelson.control.api.subresource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.registry.ResourceRegistry;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.rest.ApiException;
import dev.keelson.control.api.rest.LabelSelector;
import dev.keelson.control.api.rest.ResourcePath;
import dev.keelson.control.api.storage.ResourceStorage;
import dev.keelson.control.store.KeyValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * {@code metrics.k8s.io/v1beta1} without a metrics-server: the API server asks every node agent's
 * kubelet API ({@code /apis/metrics.k8s.io/v1beta1/pods} and {@code .../nodes}, the shapes
 * metrics-server serves) in parallel and merges the answers, filtered by namespace, name and the
 * pods' labels as stored. This is what the HPA controller and {@code kubectl top} read. A node that
 * does not answer within 2 s is left out (its pods have no sample, which the HPA handles).
 */
public final class MetricsAggregator {
    public static final String GROUP = "metrics.k8s.io";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final ResourceRegistry registry;
    private final ResourceStorage storage;
    private final HttpClient client;

    public MetricsAggregator(ResourceRegistry registry, ResourceStorage storage, SSLContext kubeletClient) {
        this.registry = registry;
        this.storage = storage;
        this.client = HttpClient.newBuilder().sslContext(kubeletClient).connectTimeout(TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** GET of a PodMetrics/NodeMetrics list or item. */
    public ObjectNode serve(ApiRequest request, ResourcePath path) {
        if (!request.method().equals("GET")) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        boolean pods = path.resource().equals("pods");
        if (!pods && !path.resource().equals("nodes")) {
            throw ApiException.notFoundPath();
        }
        List<ObjectNode> items = new ArrayList<>(collect(pods ? "pods" : "nodes"));
        if (pods) {
            Map<String, JsonNode> stored = stored("pods", path.namespace());
            LabelSelector selector = LabelSelector.parse(request.param("labelSelector") == null ? "" : request.param("labelSelector"));
            items.removeIf(m -> {
                JsonNode pod = stored.get(key(m));
                return pod == null || (path.namespace() != null && !path.namespace().equals(m.path("metadata").path("namespace").asText()))
                        || !selector.test(pod);
            });
            items.forEach(m -> ((ObjectNode) m.get("metadata")).set("labels",
                    stored.get(key(m)).path("metadata").path("labels").deepCopy()));
        }
        if (path.name() != null) {
            ObjectNode one = items.stream().filter(m -> m.path("metadata").path("name").asText().equals(path.name()))
                    .findFirst().orElseThrow(() -> new ApiException(404, "NotFound",
                            (pods ? "podmetrics" : "nodemetrics") + ".metrics.k8s.io \"" + path.name() + "\" not found", null));
            return one.put("apiVersion", GROUP + "/v1beta1").put("kind", pods ? "PodMetrics" : "NodeMetrics");
        }
        ObjectNode list = Json.object().put("kind", pods ? "PodMetricsList" : "NodeMetricsList")
                .put("apiVersion", GROUP + "/v1beta1");
        list.putObject("metadata");
        ArrayNode arr = list.putArray("items");
        items.forEach(arr::add);
        return list;
    }

    private static String key(JsonNode m) {
        return m.path("metadata").path("namespace").asText() + "/" + m.path("metadata").path("name").asText();
    }

    private Map<String, JsonNode> stored(String resource, String namespace) {
        ResourceType type = registry.find("", "v1", resource).orElseThrow();
        List<KeyValue> kvs = storage.store().range(ResourceStorage.prefix(type, namespace), null, 0, 0).items();
        return kvs.stream().map(kv -> (JsonNode) storage.decode(type, kv))
                .collect(Collectors.toMap(MetricsAggregator::key, Function.identity(), (a, b) -> a));
    }

    private List<ObjectNode> collect(String what) {
        List<CompletableFuture<List<ObjectNode>>> calls = new ArrayList<>();
        for (JsonNode node : stored("nodes", null).values()) {
            URI uri = kubelet(node, "/apis/metrics.k8s.io/v1beta1/" + what);
            if (uri != null) {
                calls.add(client.sendAsync(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray()).thenApply(MetricsAggregator::items).exceptionally(e -> List.of()));
            }
        }
        List<ObjectNode> out = new ArrayList<>();
        calls.forEach(c -> out.addAll(c.join()));
        return out;
    }

    private static List<ObjectNode> items(HttpResponse<byte[]> r) {
        if (r.statusCode() != 200) {
            return List.of();
        }
        try {
            List<ObjectNode> out = new ArrayList<>();
            Json.MAPPER.readTree(r.body()).path("items").forEach(i -> {
                if (i instanceof ObjectNode o) {
                    out.add(o);
                }
            });
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static URI kubelet(JsonNode node, String path) {
        int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
        for (JsonNode a : node.path("status").path("addresses")) {
            if (a.path("type").asText().equals("InternalIP") && port > 0) {
                String ip = a.path("address").asText();
                return URI.create("https://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port + path);
            }
        }
        return null;
    }
}
