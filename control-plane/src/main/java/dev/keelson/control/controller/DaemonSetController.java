package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Keeps one pod of every DaemonSet on each eligible node ({@link DaemonPods#eligibility}), rolls
 * template changes out node by node within {@code maxUnavailable} (pods carry the template's
 * {@code controller-revision-hash}), and reports the per-node counts in status. Each pass is
 * {@link DaemonSetPlan#of} carried out.
 */
public final class DaemonSetController implements AutoCloseable {
    private final KubeClient client;
    private final Informer daemonSets;
    private final Informer nodes;
    private final Informer pods;
    private final Clock clock;
    private final WorkQueue queue = new WorkQueue();
    private final Timers timers = new Timers(queue);
    private final Expectations expectations = new Expectations();
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private ControllerLoop loop;

    public DaemonSetController(KubeClient client, Informer daemonSets, Informer nodes, Informer pods) {
        this(client, daemonSets, nodes, pods, Clock.systemUTC());
    }

    public DaemonSetController(KubeClient client, Informer daemonSets, Informer nodes, Informer pods, Clock clock) {
        this.client = client;
        this.daemonSets = daemonSets;
        this.nodes = nodes;
        this.pods = pods;
        this.clock = clock;
        daemonSets.addHandler(Handlers.enqueueSelf(queue));
        pods.addHandler(new Handlers.OwnedBy("DaemonSet", queue, daemonSets, expectations));
        nodes.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode o) {
                enqueueAll();
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode o) {
                JsonNode a = old.path("metadata").path("labels");
                JsonNode b = o.path("metadata").path("labels");
                if (!a.equals(b) || !old.path("spec").path("taints").equals(o.path("spec").path("taints"))) {
                    enqueueAll();
                }
            }

            @Override
            public void onDelete(ObjectNode o) {
                enqueueAll();
            }
        });
    }

    private void enqueueAll() {
        daemonSets.list().forEach(ds -> queue.add(Informer.key(ds)));
    }

    public DaemonSetController start(int workers) {
        loop = new ControllerLoop("daemonset", queue, this::reconcile).start(workers);
        return this;
    }

    void reconcile(String key) throws Exception {
        ObjectNode ds = daemonSets.get(key);
        if (ds == null) {
            expectations.forget(key);
            timers.forget(key);
            return;
        }
        if (ds.path("metadata").has("deletionTimestamp")) {
            return;
        }
        List<ObjectNode> owned = Pods.controlledBy(pods.list(Pods.namespace(ds)), ds);
        String hash = TemplateHash.of(ds.path("spec").path("template"), ds.path("status").path("collisionCount").asInt(0));
        Instant now = clock.instant();
        DaemonSetPlan plan = DaemonSetPlan.of(ds, nodes.list(), owned, hash, now);
        if (expectations.satisfied(key)) {
            act(key, ds, plan, hash);
        }
        Calls.writeStatus(client, Resource.DAEMONSETS, ds, plan.status(), queue, key);
        if (plan.recheckAfter() != null) {
            timers.wakeAfter(key, plan.recheckAfter().toMillis());
        }
    }

    private void act(String key, ObjectNode ds, DaemonSetPlan plan, String hash) throws Exception {
        if (plan.createOn().isEmpty() && plan.delete().isEmpty()) {
            return;
        }
        expectations.expect(key, plan.createOn().size(), plan.delete().size());
        List<Future<?>> futures = new ArrayList<>();
        for (ObjectNode p : plan.delete()) {
            futures.add(calls.submit(() -> {
                try {
                    client.delete(Resource.PODS, Pods.namespace(p), Pods.name(p), null);
                } catch (ApiException e) {
                    expectations.lowered(key, 0, 1);
                    if (!e.notFound()) {
                        throw e;
                    }
                }
                return null;
            }));
        }
        for (String node : plan.createOn()) {
            futures.add(calls.submit(() -> {
                try {
                    return client.create(Resource.PODS, Pods.namespace(ds), DaemonPods.newPod(ds, node, hash));
                } catch (RuntimeException e) {
                    expectations.lowered(key, 1, 0);
                    throw e;
                }
            }));
        }
        Exception first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                first = first == null && e.getCause() instanceof Exception ex ? ex : first;
            }
        }
        if (first != null) {
            throw first;
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
