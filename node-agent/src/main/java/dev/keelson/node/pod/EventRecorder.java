package dev.keelson.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Posts core/v1 Events about a pod as the kubelet does ({@code source.component: kubelet},
 * {@code Pulled}, {@code Created}, {@code Started}, {@code Killing}, {@code BackOff}, {@code Failed}…),
 * so {@code kubectl describe pod} tells the story. Best effort: an event that cannot be written is
 * logged, never raised.
 */
public final class EventRecorder {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final KubeClient client;
    private final String node;
    private final Consumer<String> log;
    private final AtomicLong seq = new AtomicLong(System.nanoTime());

    public EventRecorder(KubeClient client, String node, Consumer<String> log) {
        this.client = client;
        this.node = node;
        this.log = log;
    }

    public void normal(JsonNode pod, String reason, String message) {
        record(pod, "Normal", reason, message);
    }

    public void warning(JsonNode pod, String reason, String message) {
        record(pod, "Warning", reason, message);
    }

    private void record(JsonNode pod, String type, String reason, String message) {
        JsonNode m = pod.path("metadata");
        String ns = m.path("namespace").asText();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        ObjectNode e = MAPPER.createObjectNode();
        e.put("apiVersion", "v1").put("kind", "Event");
        e.putObject("metadata").put("name", m.path("name").asText() + "." + Long.toHexString(seq.incrementAndGet()))
                .put("namespace", ns);
        e.putObject("involvedObject").put("apiVersion", "v1").put("kind", "Pod").put("namespace", ns)
                .put("name", m.path("name").asText()).put("uid", m.path("uid").asText());
        e.put("reason", reason).put("message", message).put("type", type).put("count", 1)
                .put("firstTimestamp", now).put("lastTimestamp", now)
                .put("reportingComponent", "kubelet").put("reportingInstance", node);
        e.putObject("source").put("component", "kubelet").put("host", node);
        try {
            client.create(Resource.EVENTS, ns, e);
        } catch (RuntimeException ex) {
            log.accept("event " + reason + " for pod " + ns + "/" + m.path("name").asText() + " not recorded: " + ex.getMessage());
        }
    }
}
