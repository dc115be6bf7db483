package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.control.model.LabelSelector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Keeps {@code spec.replicas} active pods for every ReplicaSet: creates missing pods from the
 * template (in slow-start batches 1, 2, 4, … so a failing template costs one call, not hundreds),
 * deletes surplus ones (unscheduled, then pending, then not ready, then the newest first), adopts
 * orphan pods that match its selector, and reports replica counts in its status.
 */
public final class ReplicaSetController implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KubeClient client;
    private final Informer replicaSets;
    private final Informer pods;
    private final WorkQueue queue = new WorkQueue();
    private final Expectations expectations = new Expectations();
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private ControllerLoop loop;

    public ReplicaSetController(KubeClient client, Informer replicaSets, Informer pods) {
        this.client = client;
        this.replicaSets = replicaSets;
        this.pods = pods;
        replicaSets.addHandler(Handlers.enqueueSelf(queue));
        pods.addHandler(new Handlers.OwnedBy("ReplicaSet", queue, replicaSets, expectations));
    }

    public ReplicaSetController start(int workers) {
        loop = new ControllerLoop("replicaset", queue, this::reconcile).start(workers);
        return this;
    }

    void reconcile(String key) throws Exception {
        ObjectNode rs = replicaSets.get(key);
        if (rs == null) {
            expectations.forget(key);
            return;
        }
        String ns = Pods.namespace(rs);
        LabelSelector selector = LabelSelector.of(rs.path("spec").get("selector"));
        List<ObjectNode> owned = new ArrayList<>();
        for (ObjectNode pod : pods.list(ns)) {
            String owner = Pods.controllerUid(pod);
            if (owner.equals(Pods.uid(rs))) {
                if (Pods.active(pod)) {
                    owned.add(pod);
                }
            } else if (owner.isEmpty() && Pods.active(pod) && !rs.path("metadata").has("deletionTimestamp")
                    && selector.matches(dev.keelson.control.model.Json.stringMap(pod.path("metadata").path("labels")))) {
                adopt(rs, pod);
                owned.add(pod);
            }
        }
        if (expectations.satisfied(key) && !rs.path("metadata").has("deletionTimestamp")) {
            int want = rs.path("spec").path("replicas").asInt(1);
            int diff = owned.size() - want;
            if (diff < 0) {
                create(key, rs, -diff);
            } else if (diff > 0) {
                delete(key, owned, diff);
            }
        }
        updateStatus(rs, owned);
    }

    private void adopt(ObjectNode rs, ObjectNode pod) {
        ObjectNode patch = MAPPER.createObjectNode();
        ObjectNode meta = patch.putObject("metadata");
        Pods.setController(meta, withKind(rs));
        meta.put("resourceVersion", pod.path("metadata").path("resourceVersion").asText());
        Calls.unlessGoneOrStale(() -> client.patch(Resource.PODS, Pods.namespace(pod), Pods.name(pod), null, "application/merge-patch+json", patch));
    }

    private static ObjectNode withKind(ObjectNode rs) {
        ObjectNode o = rs.deepCopy();
        o.put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
        return o;
    }

    private void create(String key, ObjectNode rs, int count) throws Exception {
        expectations.expect(key, count, 0);
        ObjectNode template = (ObjectNode) rs.path("spec").path("template");
        int done = 0;
        for (int batch = 1; done < count; batch = Math.min(batch * 2, count - done)) {
            int n = Math.min(batch, count - done);
            List<Future<?>> calls1 = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls1.add(calls.submit(() -> client.create(Resource.PODS, Pods.namespace(rs), podFrom(rs, template))));
            }
            int failed = 0;
            Exception first = null;
            for (Future<?> f : calls1) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                    first = first == null && e.getCause() instanceof Exception ex ? ex : first;
                }
            }
            done += n;
            if (failed > 0) {
                // the rest of this round is skipped: the template is likely bad; retry later
                expectations.lowered(key, failed + (count - done), 0);
                throw first != null ? first : new IllegalStateException("pod creation failed");
            }
        }
    }

    static ObjectNode podFrom(JsonNode owner, ObjectNode template) {
        ObjectNode pod = MAPPER.createObjectNode();
        pod.put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        meta.put("generateName", Pods.name(owner) + "-");
        meta.put("namespace", Pods.namespace(owner));
        JsonNode tm = template.path("metadata");
        if (tm.has("labels")) {
            meta.set("labels", tm.get("labels").deepCopy());
        }
        if (tm.has("annotations")) {
            meta.set("annotations", tm.get("annotations").deepCopy());
        }
        Pods.setController(meta, owner);
        pod.set("spec", template.path("spec").deepCopy());
        return pod;
    }

    private void delete(String key, List<ObjectNode> owned, int count) throws Exception {
        owned.sort(Comparator.comparingInt(ReplicaSetController::deletionRank)
                .thenComparing(p -> p.path("metadata").path("creationTimestamp").asText(), Comparator.reverseOrder()));
        List<ObjectNode> victims = owned.subList(0, count);
        expectations.expect(key, 0, count);
        List<Future<?>> futures = new ArrayList<>();
        for (ObjectNode p : victims) {
            futures.add(calls.submit(() -> {
                try {
                    client.delete(Resource.PODS, Pods.namespace(p), Pods.name(p), null);
                } catch (ApiException e) {
                    if (!e.notFound()) {
                        expectations.lowered(key, 0, 1);
                        throw e;
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    /** Lower goes first: unscheduled, pending, not ready, ready. */
    private static int deletionRank(JsonNode pod) {
        if (pod.path("spec").path("nodeName").asText("").isEmpty()) {
            return 0;
        }
        if ("Pending".equals(pod.path("status").path("phase").asText("Pending"))) {
            return 1;
        }
        return Pods.ready(pod) ? 3 : 2;
    }

    private void updateStatus(ObjectNode rs, List<ObjectNode> owned) {
        int minReady = rs.path("spec").path("minReadySeconds").asInt(0);
        Instant now = Instant.now();
        LabelSelector templateLabels = LabelSelector.ofMap(
                dev.keelson.control.model.Json.stringMap(rs.path("spec").path("template").path("metadata").path("labels")));
        int ready = 0;
        int available = 0;
        int labeled = 0;
        for (ObjectNode p : owned) {
            ready += Pods.ready(p) ? 1 : 0;
            available += Pods.available(p, minReady, now) ? 1 : 0;
            labeled += templateLabels.matches(dev.keelson.control.model.Json.stringMap(p.path("metadata").path("labels"))) ? 1 : 0;
        }
        JsonNode old = rs.path("status");
        long generation = rs.path("metadata").path("generation").asLong();
        if (old.path("replicas").asInt(-1) == owned.size() && old.path("readyReplicas").asInt(0) == ready
                && old.path("availableReplicas").asInt(0) == available && old.path("fullyLabeledReplicas").asInt(0) == labeled
                && old.path("observedGeneration").asLong() == generation) {
            return;
        }
        ObjectNode status = MAPPER.createObjectNode();
        status.put("replicas", owned.size()).put("fullyLabeledReplicas", labeled).put("readyReplicas", ready)
                .put("availableReplicas", available).put("observedGeneration", generation);
        Calls.writeStatus(client, Resource.REPLICASETS, rs, status, queue, Informer.key(rs));
        if (minReady > 0 && ready > available) {
            queue.addAfter(Informer.key(rs), minReady * 1000L);
        }
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
        calls.shutdownNow();
    }
}
