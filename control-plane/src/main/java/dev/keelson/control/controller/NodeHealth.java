package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Node health from the controller's own clock. A node proves it is alive by renewing its Lease
 * in {@code kube-node-lease} or by a new Ready heartbeat; what counts is when <em>this
 * controller</em> saw the change (the probe time), never the node's clock, so skew cannot keep a
 * dead node alive.
 *
 * <pre>
 *          lease renewed / heartbeat changed: probe = now
 *          ┌──────────────────────────────────────────────┐
 *          ▼                                              │
 *   Ready True/False (kubelet's word)  ──now ≥ probe + grace──►  Ready Unknown (NodeStatusUnknown)
 *
 *   taints follow Ready:  True → none · False → not-ready:NoSchedule+NoExecute
 *                         Unknown → unreachable:NoSchedule+NoExecute
 * </pre>
 */
public final class NodeHealth {
    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    private static final Set<String> PRESSURE = Set.of("MemoryPressure", "DiskPressure", "PIDPressure");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * What the node object should become.
     *
     * @param status the new status when conditions must change (else null)
     * @param taints the full desired {@code spec.taints}
     * @param taintsChanged whether {@code taints} differs from the node's
     * @param recheckAfter when the node expires if nothing is heard from it (null once expired)
     */
    public record Assessment(ObjectNode status, ArrayNode taints, boolean taintsChanged, Duration recheckAfter) {}

    private record Seen(String heartbeat, String renew, Instant probe) {}

    private final Map<String, Seen> seen = new HashMap<>();

    /**
     * Records what the node shows now and returns its probe time: {@code now} when the heartbeat or
     * lease renewal differs from the last observation (or on first sight), else the earlier time.
     */
    public synchronized Instant observe(String node, String heartbeat, String leaseRenew, Instant now) {
        Seen s = seen.get(node);
        if (s == null || !s.heartbeat().equals(heartbeat) || !s.renew().equals(leaseRenew)) {
            s = new Seen(heartbeat, leaseRenew, now);
            seen.put(node, s);
        }
        return s.probe();
    }

    public synchronized void forget(String node) {
        seen.remove(node);
    }

    /** Judges {@code node} last heard from at {@code probe}. */
    public static Assessment assess(ObjectNode node, Instant probe, Instant now, Duration grace) {
        JsonNode conds = node.path("status").path("conditions");
        JsonNode ready = Conditions.find(conds, "Ready");
        String readyStatus = ready == null ? "" : ready.path("status").asText();
        boolean expired = !probe.plus(grace).isAfter(now);
        ObjectNode status = null;
        if (expired && !readyStatus.equals("Unknown")) {
            status = unknown(node, ready == null, now);
            readyStatus = "Unknown";
        }
        ArrayNode taints = desiredTaints(node.path("spec").path("taints"), readyStatus, now);
        boolean changed = !taints.equals(node.path("spec").path("taints").isArray() ? node.path("spec").path("taints")
                : MAPPER.createArrayNode());
        return new Assessment(status, taints, changed, expired ? null : Duration.between(now, probe.plus(grace)));
    }

    /** The status with Ready and the pressure conditions set to Unknown, heartbeats kept. */
    private static ObjectNode unknown(ObjectNode node, boolean never, Instant now) {
        ObjectNode status = node.path("status").isObject() ? (ObjectNode) node.path("status").deepCopy() : MAPPER.createObjectNode();
        ArrayNode conds = status.withArray("conditions");
        String reason = never ? "NodeStatusNeverUpdated" : "NodeStatusUnknown";
        String message = never ? "Kubelet never posted node status." : "Kubelet stopped posting node status.";
        boolean hasReady = false;
        for (JsonNode c : conds) {
            String type = c.path("type").asText();
            if (type.equals("Ready") || PRESSURE.contains(type)) {
                hasReady |= type.equals("Ready");
                ObjectNode o = (ObjectNode) c;
                if (!o.path("status").asText().equals("Unknown")) {
                    o.put("lastTransitionTime", Conditions.time(now));
                }
                o.put("status", "Unknown").put("reason", reason).put("message", message);
            }
        }
        if (!hasReady) {
            conds.addObject().put("type", "Ready").put("status", "Unknown").put("lastHeartbeatTime", Conditions.time(now))
                    .put("lastTransitionTime", Conditions.time(now)).put("reason", reason).put("message", message);
        }
        return status;
    }

    /** The node's taints with the not-ready/unreachable ones replaced by those {@code ready} calls for. */
    static ArrayNode desiredTaints(JsonNode current, String ready, Instant now) {
        ArrayNode out = MAPPER.createArrayNode();
        for (JsonNode t : current) {
            String key = t.path("key").asText();
            if (!key.equals(NOT_READY) && !key.equals(UNREACHABLE)) {
                out.add(t.deepCopy());
            }
        }
        String key = switch (ready) {
            case "False" -> NOT_READY;
            case "Unknown" -> UNREACHABLE;
            default -> null;
        };
        if (key != null) {
            for (String effect : new String[] {"NoSchedule", "NoExecute"}) {
                JsonNode existing = null;
                for (JsonNode t : current) {
                    if (t.path("key").asText().equals(key) && t.path("effect").asText().equals(effect)) {
                        existing = t;
                    }
                }
                if (existing != null) {
                    out.add(existing.deepCopy());
                } else {
                    ObjectNode t = out.addObject().put("key", key).put("effect", effect);
                    if (effect.equals("NoExecute")) {
                        t.put("timeAdded", Conditions.time(now));
                    }
                }
            }
        }
        return out;
    }
}
