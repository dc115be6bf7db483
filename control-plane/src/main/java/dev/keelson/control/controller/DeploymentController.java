package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.control.model.Json;
import dev.keelson.control.model.LabelSelector;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rolls Deployments out through ReplicaSets, one per distinct pod template (named
 * {@code <deployment>-<pod-template-hash>}):
 *
 * <pre>
 *   template changed ─► new RS (revision = max + 1) ─► RollingUpdate: grow new by ≤ maxSurge,
 *                                                       shrink old while ≥ replicas − maxUnavailable available
 *                                                     └► Recreate: old to 0, wait for their pods, then new
 *   template back to an old one (rollout undo) ─► that RS becomes new again, with a fresh revision
 * </pre>
 *
 * Paused deployments are not rolled. Old ReplicaSets beyond {@code revisionHistoryLimit} are
 * deleted. Status carries replica counts and the Available / Progressing conditions that
 * {@code kubectl rollout status} reads, including ProgressDeadlineExceeded.
 */
public final class DeploymentController implements AutoCloseable {
    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String HASH_LABEL = "pod-template-hash";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KubeClient client;
    private final Informer deployments;
    private final Informer replicaSets;
    private final WorkQueue queue = new WorkQueue();
    private ControllerLoop loop;

    public DeploymentController(KubeClient client, Informer deployments, Informer replicaSets) {
        this.client = client;
        this.deployments = deployments;
        this.replicaSets = replicaSets;
        deployments.addHandler(Handlers.enqueueSelf(queue));
        replicaSets.addHandler(new Handlers.OwnedBy("Deployment", queue, deployments, new Expectations()));
    }

    public DeploymentController start(int workers) {
        loop = new ControllerLoop("deployment", queue, this::reconcile).start(workers);
        return this;
    }

    void reconcile(String key) {
        ObjectNode d = deployments.get(key);
        if (d == null || d.path("metadata").has("deletionTimestamp")) {
            return;
        }
        JsonNode spec = d.path("spec");
        int replicas = spec.path("replicas").asInt(1);
        List<ObjectNode> all = owned(d);
        ObjectNode template = (ObjectNode) spec.path("template");
        ObjectNode newRs = null;
        List<ObjectNode> old = new ArrayList<>();
        for (ObjectNode rs : all) {
            if (newRs == null && sameTemplate(rs, template)) {
                newRs = rs;
            } else {
                old.add(rs);
            }
        }
        int maxOld = old.stream().mapToInt(Rollout::revision).max().orElse(0);
        boolean paused = spec.path("paused").asBoolean(false);
        boolean recreate = "Recreate".equals(spec.path("strategy").path("type").asText());
        boolean progressed = false;
        if (!paused) {
            if (newRs == null) {
                newRs = createNew(d, template, maxOld + 1, recreate && activeOld(old) ? 0 : initialReplicas(d, all, replicas));
                progressed = newRs != null;
            } else if (Rollout.revision(newRs) <= maxOld) {
                newRs = annotateRevision(newRs, maxOld + 1, d);
            }
            if (newRs != null) {
                progressed |= recreate ? recreate(newRs, old, replicas) : rolling(d, newRs, old, replicas);
            }
            cleanup(d, old);
        }
        if (newRs != null) {
            syncDeploymentRevision(d, Rollout.revision(newRs));
        }
        updateStatus(d, newRs, all, replicas, progressed);
    }

    private List<ObjectNode> owned(ObjectNode d) {
        List<ObjectNode> out = new ArrayList<>();
        LabelSelector selector = LabelSelector.of(d.path("spec").get("selector"));
        for (ObjectNode rs : replicaSets.list(Pods.namespace(d))) {
            String owner = Pods.controllerUid(rs);
            if (owner.equals(Pods.uid(d))) {
                out.add(rs);
            } else if (owner.isEmpty() && selector.matches(Json.stringMap(rs.path("metadata").path("labels")))) {
                ObjectNode patch = MAPPER.createObjectNode();
                Pods.setController(patch.putObject("metadata"), withKind(d));
                out.add(client.patch(Resource.REPLICASETS, Pods.namespace(rs), Pods.name(rs), null,
                        "application/merge-patch+json", patch));
            }
        }
        out.sort(Comparator.comparing(rs -> rs.path("metadata").path("creationTimestamp").asText()));
        return out;
    }

    private static ObjectNode withKind(ObjectNode d) {
        ObjectNode o = d.deepCopy();
        o.put("apiVersion", "apps/v1").put("kind", "Deployment");
        return o;
    }

    private static boolean sameTemplate(ObjectNode rs, ObjectNode template) {
        ObjectNode t = rs.path("spec").path("template").deepCopy();
        JsonNode labels = t.path("metadata").path("labels");
        if (labels instanceof ObjectNode l) {
            l.remove(HASH_LABEL);
            if (l.isEmpty()) {
                ((ObjectNode) t.get("metadata")).remove("labels");
            }
        }
        return TemplateHash.semantic(t).equals(TemplateHash.semantic(template));
    }

    private static boolean activeOld(List<ObjectNode> old) {
        return old.stream().anyMatch(rs -> rs.path("status").path("replicas").asInt(0) > 0
                || rs.path("spec").path("replicas").asInt(0) > 0);
    }

    private static int initialReplicas(ObjectNode d, List<ObjectNode> all, int replicas) {
        if (all.isEmpty()) {
            return replicas;
        }
        int surge = Rollout.limits(d.path("spec").path("strategy").path("rollingUpdate"), replicas)[0];
        int total = all.stream().mapToInt(rs -> rs.path("spec").path("replicas").asInt(0)).sum();
        return Math.max(0, Math.min(replicas, replicas + surge - total));
    }

    private ObjectNode createNew(ObjectNode d, ObjectNode template, int revision, int replicas) {
        int collisions = d.path("status").path("collisionCount").asInt(0);
        String hash = TemplateHash.of(template, collisions);
        ObjectNode rs = MAPPER.createObjectNode();
        rs.put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
        ObjectNode meta = rs.putObject("metadata");
        meta.put("name", Pods.name(d) + "-" + hash).put("namespace", Pods.namespace(d));
        ObjectNode labels = template.path("metadata").path("labels").deepCopy();
        labels.put(HASH_LABEL, hash);
        meta.set("labels", labels.deepCopy());
        ObjectNode ann = meta.putObject("annotations");
        ann.put(REVISION, Integer.toString(revision))
                .put("deployment.kubernetes.io/desired-replicas", Integer.toString(d.path("spec").path("replicas").asInt(1)))
                .put("deployment.kubernetes.io/max-replicas", Integer.toString(d.path("spec").path("replicas").asInt(1)
                        + Rollout.limits(d.path("spec").path("strategy").path("rollingUpdate"), d.path("spec").path("replicas").asInt(1))[0]));
        String cause = d.path("metadata").path("annotations").path("kubernetes.io/change-cause").asText("");
        if (!cause.isEmpty()) {
            ann.put("kubernetes.io/change-cause", cause);
        }
        Pods.setController(meta, withKind(d));
        ObjectNode spec = rs.putObject("spec");
        spec.put("replicas", replicas).put("minReadySeconds", d.path("spec").path("minReadySeconds").asInt(0));
        ObjectNode selector = d.path("spec").path("selector").deepCopy();
        selector.withObjectProperty("matchLabels").put(HASH_LABEL, hash);
        spec.set("selector", selector);
        ObjectNode t = template.deepCopy();
        t.withObjectProperty("metadata").set("labels", labels);
        spec.set("template", t);
        try {
            return client.create(Resource.REPLICASETS, Pods.namespace(d), rs);
        } catch (ApiException e) {
            if (e.alreadyExists()) {
                ObjectNode patch = MAPPER.createObjectNode();
                patch.putObject("status").put("collisionCount", collisions + 1);
                client.patch(Resource.DEPLOYMENTS, Pods.namespace(d), Pods.name(d), "status", "application/merge-patch+json", patch);
                return null;
            }
            throw e;
        }
    }

    private ObjectNode annotateRevision(ObjectNode rs, int revision, ObjectNode d) {
        ObjectNode patch = MAPPER.createObjectNode();
        ObjectNode ann = patch.putObject("metadata").putObject("annotations");
        ann.put(REVISION, Integer.toString(revision));
        String cause = d.path("metadata").path("annotations").path("kubernetes.io/change-cause").asText("");
        if (!cause.isEmpty()) {
            ann.put("kubernetes.io/change-cause", cause);
        }
        return client.patch(Resource.REPLICASETS, Pods.namespace(rs), Pods.name(rs), null, "application/merge-patch+json", patch);
    }

    private boolean recreate(ObjectNode newRs, List<ObjectNode> old, int replicas) {
        boolean changed = false;
        for (ObjectNode rs : old) {
            changed |= scale(rs, 0);
        }
        if (!activeOld(old) && newRs.path("spec").path("replicas").asInt(0) != replicas) {
            changed |= scale(newRs, replicas);
        }
        return changed;
    }

    private boolean rolling(ObjectNode d, ObjectNode newRs, List<ObjectNode> old, int replicas) {
        int[] limits = Rollout.limits(d.path("spec").path("strategy").path("rollingUpdate"), replicas);
        int newReplicas = newRs.path("spec").path("replicas").asInt(0);
        int total = newReplicas + old.stream().mapToInt(rs -> rs.path("spec").path("replicas").asInt(0)).sum();
        boolean changed = false;
        if (newReplicas > replicas) {
            changed = scale(newRs, replicas);
            newReplicas = replicas;
        } else if (newReplicas < replicas) {
            int up = Math.min(replicas + limits[0] - total, replicas - newReplicas);
            if (up > 0) {
                changed = scale(newRs, newReplicas + up);
                newReplicas += up;
                total += up;
            }
        }
        // shrink old sets: first their unavailable pods, then available ones while enough stay available
        int minAvailable = replicas - limits[1];
        int newUnavailable = Math.max(0, newReplicas - newRs.path("status").path("availableReplicas").asInt(0));
        int maxScaledDown = total - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return changed;
        }
        for (ObjectNode rs : old) {
            int r = rs.path("spec").path("replicas").asInt(0);
            int unhealthy = Math.max(0, r - rs.path("status").path("availableReplicas").asInt(0));
            int down = Math.min(unhealthy, maxScaledDown);
            if (down > 0) {
                changed |= scale(rs, r - down);
                maxScaledDown -= down;
            }
        }
        int available = newRs.path("status").path("availableReplicas").asInt(0);
        for (ObjectNode rs : old) {
            available += Math.min(rs.path("spec").path("replicas").asInt(0), rs.path("status").path("availableReplicas").asInt(0));
        }
        int toScaleDown = Math.min(available - minAvailable, maxScaledDown);
        for (ObjectNode rs : old) {
            int r = rs.path("spec").path("replicas").asInt(0);
            int down = Math.min(r, toScaleDown);
            if (down > 0) {
                changed |= scale(rs, r - down);
                toScaleDown -= down;
            }
        }
        return changed;
    }

    private boolean scale(ObjectNode rs, int replicas) {
        if (rs.path("spec").path("replicas").asInt(0) == replicas) {
            return false;
        }
        ObjectNode patch = MAPPER.createObjectNode();
        patch.putObject("spec").put("replicas", replicas);
        client.patch(Resource.REPLICASETS, Pods.namespace(rs), Pods.name(rs), null, "application/merge-patch+json", patch);
        ((ObjectNode) rs.get("spec")).put("replicas", replicas);
        return true;
    }

    private void cleanup(ObjectNode d, List<ObjectNode> old) {
        int limit = d.path("spec").path("revisionHistoryLimit").asInt(10);
        List<ObjectNode> idle = new ArrayList<>(old.stream()
                .filter(rs -> rs.path("spec").path("replicas").asInt(0) == 0 && rs.path("status").path("replicas").asInt(0) == 0
                        && !rs.path("metadata").has("deletionTimestamp"))
                .toList());
        idle.sort(Comparator.comparingInt(Rollout::revision));
        for (ObjectNode rs : idle.subList(0, Math.max(0, idle.size() - limit))) {
            Calls.unlessGone(() -> client.delete(Resource.REPLICASETS, Pods.namespace(rs), Pods.name(rs), null));
        }
    }

    private void syncDeploymentRevision(ObjectNode d, int revision) {
        String want = Integer.toString(revision);
        if (want.equals(d.path("metadata").path("annotations").path(REVISION).asText())) {
            return;
        }
        ObjectNode patch = MAPPER.createObjectNode();
        patch.putObject("metadata").putObject("annotations").put(REVISION, want);
        client.patch(Resource.DEPLOYMENTS, Pods.namespace(d), Pods.name(d), null, "application/merge-patch+json", patch);
    }

    private void updateStatus(ObjectNode d, ObjectNode newRs, List<ObjectNode> all, int replicas, boolean progressed) {
        DeploymentStatus.Result r = DeploymentStatus.compute(d, newRs, all, replicas, progressed, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Calls.writeStatus(client, Resource.DEPLOYMENTS, d, r.status(), queue, Informer.key(d));
        if (r.recheckAfterSeconds() > 0) {
            queue.addAfter(Informer.key(d), r.recheckAfterSeconds() * 1000L);
        }
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
