package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deletes objects whose owners are gone and carries out the {@code orphan} and
 * {@code foregroundDeletion} finalizers, over the {@link OwnerGraph} that the informers of every
 * watched type keep current. Verdicts come from {@link GcDecision}. An owner missing from the
 * caches is looked up on the server before anything is deleted (informers of different types are
 * not ordered: a pod can arrive before the ReplicaSet that made it); owners of types this
 * controller does not serve are assumed to exist.
 */
public final class GarbageCollector implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KubeClient client;
    private final OwnerGraph graph = new OwnerGraph();
    private final WorkQueue queue = new WorkQueue();
    private ControllerLoop loop;

    /** Watches every type in {@code informers} (add them before the informers start). */
    public GarbageCollector(KubeClient client, Map<Resource, Informer> informers) {
        this.client = client;
        informers.forEach((r, inf) -> inf.addHandler(new GraphHandler(r)));
    }

    public GarbageCollector start(int workers) {
        loop = new ControllerLoop("garbagecollector", queue, this::reconcile).start(workers);
        return this;
    }

    private final class GraphHandler implements Informer.Handler {
        private final Resource resource;

        GraphHandler(Resource resource) {
            this.resource = resource;
        }

        @Override
        public void onAdd(ObjectNode o) {
            graph.put(resource, o);
            if (interesting(o)) {
                queue.add(Pods.uid(o));
            }
        }

        @Override
        public void onUpdate(ObjectNode old, ObjectNode o) {
            graph.put(resource, o);
            JsonNode a = old.path("metadata");
            JsonNode b = o.path("metadata");
            if (!a.path("ownerReferences").equals(b.path("ownerReferences")) || !a.path("finalizers").equals(b.path("finalizers"))
                    || a.has("deletionTimestamp") != b.has("deletionTimestamp")) {
                queue.add(Pods.uid(o));
                // an owner finishing "orphan" waits for its references to disappear
                Set<String> dropped = new HashSet<>(OwnerGraph.ownerUids(old));
                dropped.removeAll(OwnerGraph.ownerUids(o));
                dropped.forEach(queue::add);
            }
        }

        @Override
        public void onDelete(ObjectNode o) {
            String uid = Pods.uid(o);
            graph.remove(uid);
            graph.dependentsOf(uid).forEach(e -> queue.add(Pods.uid(e.object())));
            OwnerGraph.ownerUids(o).forEach(queue::add);  // a foreground owner may be unblocked now
        }

        private boolean interesting(JsonNode o) {
            JsonNode m = o.path("metadata");
            return !m.path("ownerReferences").isEmpty() || (m.has("deletionTimestamp") && !m.path("finalizers").isEmpty());
        }
    }

    void reconcile(String uid) {
        OwnerGraph.Entry e = graph.get(uid);
        if (e == null) {
            return;
        }
        ObjectNode o = e.object();
        List<GcDecision.Action> actions;
        if (o.path("metadata").has("deletionTimestamp")
                && (GcDecision.hasFinalizer(o, GcDecision.ORPHAN) || GcDecision.hasFinalizer(o, GcDecision.FOREGROUND))) {
            List<ObjectNode> deps = graph.dependentsOf(uid).stream().map(OwnerGraph.Entry::object).toList();
            Set<String> withDeps = new HashSet<>();
            deps.stream().map(Pods::uid).filter(graph::hasDependents).forEach(withDeps::add);
            actions = GcDecision.forOwner(o, deps, withDeps);
        } else {
            Map<String, GcDecision.OwnerState> states = new HashMap<>();
            for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
                states.put(ref.path("uid").asText(), ownerState(ref, Pods.namespace(o)));
            }
            actions = GcDecision.forDependent(o, states, graph.hasDependents(uid));
        }
        for (GcDecision.Action a : actions) {
            apply(a);
        }
    }

    private GcDecision.OwnerState ownerState(JsonNode ref, String namespace) {
        String uid = ref.path("uid").asText();
        OwnerGraph.Entry owner = graph.get(uid);
        JsonNode live = owner == null ? null : owner.object();
        if (live == null) {
            Resource r = Kinds.of(ref.path("apiVersion").asText(), ref.path("kind").asText());
            if (r == null) {
                return GcDecision.OwnerState.PRESENT;
            }
            try {
                live = client.get(r, r.namespaced() ? namespace : null, ref.path("name").asText());
            } catch (ApiException ex) {
                if (ex.notFound()) {
                    return GcDecision.OwnerState.ABSENT;
                }
                throw ex;
            }
            if (!Pods.uid(live).equals(uid)) {
                return GcDecision.OwnerState.ABSENT;  // same name, another object
            }
        }
        return live.path("metadata").has("deletionTimestamp") && GcDecision.hasFinalizer(live, GcDecision.FOREGROUND)
                ? GcDecision.OwnerState.DELETING_FOREGROUND : GcDecision.OwnerState.PRESENT;
    }

    private void apply(GcDecision.Action a) {
        OwnerGraph.Entry e = graph.get(a.uid());
        if (e == null) {
            return;
        }
        Resource r = e.resource();
        String ns = r.namespaced() ? Pods.namespace(e.object()) : null;
        String name = Pods.name(e.object());
        String rv = e.object().path("metadata").path("resourceVersion").asText();
        try {
            switch (a) {
                case GcDecision.Delete d -> {
                    ObjectNode options = MAPPER.createObjectNode();
                    options.put("kind", "DeleteOptions").put("apiVersion", "v1").put("propagationPolicy", d.propagation());
                    options.putObject("preconditions").put("uid", d.uid());
                    client.delete(r, ns, name, options);
                }
                case GcDecision.SetOwnerReferences s -> {
                    ObjectNode patch = MAPPER.createObjectNode();
                    patch.putObject("metadata").put("resourceVersion", rv).set("ownerReferences", s.ownerReferences());
                    client.patch(r, ns, name, null, "application/merge-patch+json", patch);
                }
                case GcDecision.RemoveFinalizer f -> {
                    ArrayNode kept = MAPPER.createArrayNode();
                    e.object().path("metadata").path("finalizers").forEach(x -> {
                        if (!x.asText().equals(f.finalizer())) {
                            kept.add(x);
                        }
                    });
                    ObjectNode patch = MAPPER.createObjectNode();
                    patch.putObject("metadata").put("resourceVersion", rv).set("finalizers", kept);
                    client.patch(r, ns, name, null, "application/merge-patch+json", patch);
                }
            }
        } catch (ApiException ex) {
            if (ex.notFound()) {
                return;
            }
            throw ex;  // a conflict is retried with the fresher cache
        }
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
