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
import java.time.Instant;

/**
 * Watches Node conditions and the node Leases in {@code kube-node-lease}: a node not heard from for
 * the grace period gets Ready=Unknown and the unreachable taints ({@link NodeHealth}); a node that
 * reports Ready=False gets the not-ready taints; the taints go when Ready is True again. Pods on a
 * node with NoExecute taints are marked not ready and deleted once their toleration runs out
 * ({@link TaintEviction}). Timers ride the work queue: each node is re-queued for the moment it
 * would expire or its next pod is due, so nothing polls.
 */
public final class NodeLifecycleController implements AutoCloseable {
    static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * @param gracePeriod how long a node may stay silent before it is Unknown (nodeMonitorGracePeriod, 40 s)
     * @param defaultToleration how long pods without their own not-ready/unreachable tolerations stay (300 s)
     */
    public record Options(Duration gracePeriod, Duration defaultToleration) {
        public static final Options DEFAULTS = new Options(Duration.ofSeconds(40), Duration.ofSeconds(300));
    }

    private final KubeClient client;
    private final Informer nodes;
    private final Informer leases;
    private final Informer pods;
    private final Options options;
    private final Clock clock;
    private final NodeHealth health = new NodeHealth();
    private final WorkQueue queue = new WorkQueue();
    private final Timers timers = new Timers(queue);
    private ControllerLoop loop;

    public NodeLifecycleController(KubeClient client, Informer nodes, Informer leases, Informer pods, Options options, Clock clock) {
        this.client = client;
        this.nodes = nodes;
        this.leases = leases;
        this.pods = pods;
        this.options = options;
        this.clock = clock;
        nodes.addHandler(Handlers.enqueueSelf(queue));
        leases.addHandler(Informer.Handler.of(this::enqueueLease, this::enqueueLease));
        pods.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode o) {
                enqueueNodeOf(o);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode o) {
                if (!old.path("spec").path("nodeName").equals(o.path("spec").path("nodeName"))
                        || !old.path("spec").path("tolerations").equals(o.path("spec").path("tolerations"))) {
                    enqueueNodeOf(o);
                }
            }

            @Override
            public void onDelete(ObjectNode o) { }
        });
    }

    private void enqueueLease(ObjectNode lease) {
        if (LEASE_NAMESPACE.equals(Pods.namespace(lease))) {
            queue.add(Pods.name(lease));
        }
    }

    private void enqueueNodeOf(ObjectNode pod) {
        String node = pod.path("spec").path("nodeName").asText("");
        if (!node.isEmpty()) {
            queue.add(node);
        }
    }

    public NodeLifecycleController start(int workers) {
        loop = new ControllerLoop("nodelifecycle", queue, this::reconcile).start(workers);
        return this;
    }

    void reconcile(String name) {
        ObjectNode node = nodes.get(name);
        if (node == null) {
            health.forget(name);
            timers.forget(name);
            return;
        }
        Instant now = clock.instant();
        JsonNode ready = Conditions.find(node.path("status").path("conditions"), "Ready");
        String heartbeat = ready == null ? "" : ready.path("lastHeartbeatTime").asText("");
        ObjectNode lease = leases.get(LEASE_NAMESPACE + "/" + name);
        String renew = lease == null ? "" : lease.path("spec").path("renewTime").asText("");
        Instant probe = health.observe(name, heartbeat, renew, now);
        NodeHealth.Assessment a = NodeHealth.assess(node, probe, now, options.gracePeriod());
        try {
            if (a.status() != null) {
                ObjectNode updated = node.deepCopy();
                updated.set("status", a.status());
                node = client.update(Resource.NODES, updated, "status");
            }
            if (a.taintsChanged()) {
                ObjectNode patch = MAPPER.createObjectNode();
                patch.putObject("metadata").put("resourceVersion", node.path("metadata").path("resourceVersion").asText());
                patch.putObject("spec").set("taints", a.taints());
                client.patch(Resource.NODES, null, name, null, "application/merge-patch+json", patch);
            }
        } catch (ApiException e) {
            if (e.conflict()) {
                queue.add(name);
                return;
            }
            if (e.notFound()) {
                return;
            }
            throw e;
        }
        Instant next = evictPods(name, a.taints(), now,
                "Unknown".equals(readyOf(a.status() != null ? a.status() : node.path("status"))));
        Duration wait = a.recheckAfter();
        if (next != null) {
            Duration d = Duration.between(now, next);
            wait = wait == null || d.compareTo(wait) < 0 ? d : wait;
        }
        if (wait != null) {
            timers.wakeAfter(name, Math.max(1, wait.toMillis() + 1));
        }
    }

    private static String readyOf(JsonNode status) {
        JsonNode c = Conditions.find(status.path("conditions"), "Ready");
        return c == null ? "" : c.path("status").asText();
    }

    /** Deletes pods whose toleration ran out; returns when the next one is due (or null). */
    private Instant evictPods(String node, ArrayNode taints, Instant now, boolean unreachable) {
        Instant next = null;
        for (ObjectNode pod : pods.list()) {
            if (!node.equals(pod.path("spec").path("nodeName").asText()) || !Pods.active(pod)) {
                continue;
            }
            if (unreachable && Pods.ready(pod)) {
                markNotReady(pod, now);
            }
            Instant at = TaintEviction.evictAt(pod, taints, options.defaultToleration(), now);
            if (at == null) {
                continue;
            }
            if (at.isAfter(now)) {
                next = next == null || at.isBefore(next) ? at : next;
                continue;
            }
            Calls.unlessGone(() -> client.delete(Resource.PODS, Pods.namespace(pod), Pods.name(pod), null));
        }
        return next;
    }

    /** The kubelet cannot say so any more: the pod's Ready condition becomes False, so endpoints drop it. */
    private void markNotReady(ObjectNode pod, Instant now) {
        ObjectNode updated = pod.deepCopy();
        ArrayNode conds = ((ObjectNode) updated.path("status")).withArray("conditions");
        Conditions.set(conds, Conditions.of(pod.path("status").path("conditions"), "Ready", "False", "", "", now));
        Calls.unlessGoneOrStale(() -> client.update(Resource.PODS, updated, "status"));
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
