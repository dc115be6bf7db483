package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one DaemonSet needs at one instant, with no I/O: the nodes that should get a pod, the pods
 * to delete, and the status.
 *
 * <pre>
 *   per node:  eligible, no pod           → create (pinned to the node)
 *              eligible, failed pod       → delete (re-created next pass)
 *              eligible, several pods     → keep the oldest, delete the rest
 *              NoExecute taint / selector → delete (misscheduled)
 *   pods pinned to a node that is gone    → delete
 *   RollingUpdate: old-revision pods that are unavailable go at once; available ones go while
 *                  fewer than maxUnavailable nodes lack an available daemon pod
 * </pre>
 */
public record DaemonSetPlan(List<String> createOn, List<ObjectNode> delete, ObjectNode status, Duration recheckAfter) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * @param pods the pods the DaemonSet controls, in any state
     * @param hash the current template's {@code controller-revision-hash}
     */
    public static DaemonSetPlan of(ObjectNode ds, List<ObjectNode> nodes, List<ObjectNode> pods, String hash, Instant now) {
        int minReady = ds.path("spec").path("minReadySeconds").asInt(0);
        Map<String, List<ObjectNode>> byNode = new HashMap<>();
        List<ObjectNode> delete = new ArrayList<>();
        for (ObjectNode p : pods) {
            if (p.path("metadata").has("deletionTimestamp")) {
                continue;
            }
            String node = DaemonPods.targetNode(p);
            byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(p);
        }
        List<String> create = new ArrayList<>();
        Map<String, ObjectNode> kept = new LinkedHashMap<>();
        Counts c = new Counts();
        for (ObjectNode node : nodes) {
            String name = Pods.name(node);
            List<ObjectNode> here = byNode.remove(name);
            here = here == null ? new ArrayList<>() : here;
            DaemonPods.Eligibility e = DaemonPods.eligibility(ds, node);
            if (!e.stay()) {
                delete.addAll(here);
            }
            if (!e.run() && !here.isEmpty()) {
                c.misscheduled++;
            }
            if (!e.run() || !e.stay()) {
                continue;
            }
            c.desired++;
            List<ObjectNode> live = new ArrayList<>();
            for (ObjectNode p : here) {
                if ("Failed".equals(p.path("status").path("phase").asText())) {
                    delete.add(p);
                } else {
                    live.add(p);
                }
            }
            if (live.isEmpty()) {
                if (here.isEmpty()) {
                    create.add(name);
                }
                continue;
            }
            live.sort(Comparator.comparing((ObjectNode p) -> p.path("metadata").path("creationTimestamp").asText())
                    .thenComparing(Pods::name));
            delete.addAll(live.subList(1, live.size()));
            ObjectNode pod = live.get(0);
            kept.put(name, pod);
            c.scheduled++;
            c.ready += Pods.ready(pod) ? 1 : 0;
            c.available += Pods.available(pod, minReady, now) ? 1 : 0;
            c.updated += hash.equals(revision(pod)) ? 1 : 0;
        }
        byNode.values().forEach(delete::addAll);  // pinned to nodes that no longer exist, or to none
        if (!"OnDelete".equals(ds.path("spec").path("updateStrategy").path("type").asText())) {
            rollingUpdate(ds, kept, create.size(), c.desired, hash, minReady, now, delete);
        }
        Duration recheck = null;
        if (minReady > 0 && c.ready > c.available) {
            recheck = Duration.ofSeconds(minReady);
        }
        return new DaemonSetPlan(List.copyOf(create), List.copyOf(delete), status(ds, c), recheck);
    }

    private static void rollingUpdate(ObjectNode ds, Map<String, ObjectNode> kept, int missing, int desired, String hash,
                                      int minReady, Instant now, List<ObjectNode> delete) {
        int maxUnavailable = maxUnavailable(ds.path("spec").path("updateStrategy").path("rollingUpdate").get("maxUnavailable"),
                desired);
        int unavailable = missing;
        List<ObjectNode> candidates = new ArrayList<>();
        for (ObjectNode pod : kept.values()) {
            boolean available = Pods.available(pod, minReady, now);
            if (!available) {
                unavailable++;
            }
            if (hash.equals(revision(pod))) {
                continue;
            }
            if (available) {
                candidates.add(pod);
            } else {
                delete.add(pod);  // an old pod that is not serving costs nothing to replace
            }
        }
        candidates.sort(Comparator.comparing(Pods::name));
        int budget = Math.max(0, maxUnavailable - unavailable);
        delete.addAll(candidates.subList(0, Math.min(budget, candidates.size())));
    }

    /** {@code maxUnavailable} as a count (a percentage of the desired pods rounds up); default 1, at least 1. */
    static int maxUnavailable(JsonNode value, int desired) {
        if (value == null || value.isNull()) {
            return 1;
        }
        int n;
        if (value.isTextual() && value.asText().endsWith("%")) {
            int pct = Integer.parseInt(value.asText().substring(0, value.asText().length() - 1));
            n = (int) Math.ceil(desired * pct / 100.0);
        } else {
            n = value.asInt(1);
        }
        return Math.max(1, n);
    }

    static String revision(JsonNode pod) {
        return pod.path("metadata").path("labels").path(DaemonPods.HASH_LABEL).asText("");
    }

    private static final class Counts {
        int desired;
        int scheduled;
        int misscheduled;
        int ready;
        int available;
        int updated;
    }

    private static ObjectNode status(ObjectNode ds, Counts c) {
        ObjectNode st = MAPPER.createObjectNode();
        st.put("currentNumberScheduled", c.scheduled).put("numberMisscheduled", c.misscheduled)
                .put("desiredNumberScheduled", c.desired).put("numberReady", c.ready)
                .put("observedGeneration", ds.path("metadata").path("generation").asLong());
        if (c.updated > 0) {
            st.put("updatedNumberScheduled", c.updated);
        }
        if (c.available > 0) {
            st.put("numberAvailable", c.available);
        }
        if (c.desired - c.available > 0) {
            st.put("numberUnavailable", c.desired - c.available);
        }
        if (ds.path("status").has("collisionCount")) {
            st.set("collisionCount", ds.path("status").get("collisionCount"));
        }
        return st;
    }
}
