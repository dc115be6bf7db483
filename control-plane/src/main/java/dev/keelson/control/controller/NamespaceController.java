package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Empties namespaces that are being deleted: every namespaced object of every type Keelson serves
 * is deleted (workloads first, propagation Background), the namespace's status says what remains
 * ({@link NamespaceStatus}), and once nothing is left the {@code kubernetes} finalizer is removed
 * through {@code PUT /api/v1/namespaces/<name>/finalize}, after which the API server removes the
 * namespace. Lists go to the server, not to caches: the namespace must not vanish while a cache
 * still lags behind.
 */
public final class NamespaceController implements AutoCloseable {
    static final String FINALIZER = "kubernetes";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KubeClient client;
    private final Informer namespaces;
    private final Clock clock;
    private final Duration recheck;
    private final WorkQueue queue = new WorkQueue();
    private final Timers timers = new Timers(queue);
    private ControllerLoop loop;

    public NamespaceController(KubeClient client, Informer namespaces) {
        this(client, namespaces, Clock.systemUTC(), Duration.ofSeconds(2));
    }

    /** {@code recheck}: how soon a namespace whose content is still going away is looked at again. */
    public NamespaceController(KubeClient client, Informer namespaces, Clock clock, Duration recheck) {
        this.client = client;
        this.namespaces = namespaces;
        this.clock = clock;
        this.recheck = recheck;
        namespaces.addHandler(Handlers.enqueueSelf(queue));
    }

    public NamespaceController start(int workers) {
        loop = new ControllerLoop("namespace", queue, this::reconcile).start(workers);
        return this;
    }

    void reconcile(String name) {
        ObjectNode ns = namespaces.get(name);
        if (ns == null) {
            timers.forget(name);
            return;
        }
        if (!ns.path("metadata").has("deletionTimestamp") || !hasFinalizer(ns)) {
            return;
        }
        NamespaceStatus.Content content = empty(name);
        ObjectNode status = NamespaceStatus.of(ns.path("status"), content, clock.instant());
        try {
            if (!status.equals(ns.path("status"))) {
                ObjectNode updated = ns.deepCopy();
                updated.set("status", status);
                ns = client.update(Resource.NAMESPACES, updated, "status");
            }
            if (content.empty()) {
                finalizeNamespace(ns);
                return;
            }
        } catch (ApiException e) {
            if (e.notFound()) {
                return;
            }
            if (!e.conflict()) {
                throw e;
            }
        }
        timers.wakeAfter(name, recheck.toMillis());
    }

    /** Deletes what is left in the namespace; returns what still exists afterwards. */
    private NamespaceStatus.Content empty(String namespace) {
        Map<String, Integer> remaining = new LinkedHashMap<>();
        Map<String, Integer> finalizers = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        ObjectNode options = MAPPER.createObjectNode();
        options.put("kind", "DeleteOptions").put("apiVersion", "v1").put("propagationPolicy", "Background");
        for (Resource r : Kinds.NAMESPACED) {
            JsonNode items = client.list(r, namespace, null).path("items");
            boolean deleted = false;
            for (JsonNode item : items) {
                if (item.path("metadata").has("deletionTimestamp")) {
                    continue;
                }
                try {
                    client.delete(r, namespace, Pods.name(item), options);
                    deleted = true;
                } catch (ApiException e) {
                    if (!e.notFound()) {
                        errors.add(NamespaceStatus.display(r) + ": " + e.getMessage());
                    }
                }
            }
            // objects deleted without a grace period or finalizer are gone now; count what is not
            JsonNode left = deleted ? client.list(r, namespace, null).path("items") : items;
            if (!left.isEmpty()) {
                remaining.put(NamespaceStatus.display(r), left.size());
                for (JsonNode item : left) {
                    item.path("metadata").path("finalizers").forEach(f -> finalizers.merge(f.asText(), 1, Integer::sum));
                }
            }
        }
        return new NamespaceStatus.Content(remaining, finalizers, errors);
    }

    private static boolean hasFinalizer(JsonNode ns) {
        for (JsonNode f : ns.path("spec").path("finalizers")) {
            if (f.asText().equals(FINALIZER)) {
                return true;
            }
        }
        return false;
    }

    private void finalizeNamespace(ObjectNode ns) {
        ObjectNode updated = ns.deepCopy();
        ArrayNode kept = MAPPER.createArrayNode();
        ns.path("spec").path("finalizers").forEach(f -> {
            if (!f.asText().equals(FINALIZER)) {
                kept.add(f);
            }
        });
        updated.withObjectProperty("spec").set("finalizers", kept);
        client.update(Resource.NAMESPACES, updated, "finalize");
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
