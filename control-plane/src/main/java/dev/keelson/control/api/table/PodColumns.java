package dev.keelson.control.api.table;

import static dev.keelson.control.api.table.Cells.NONE;
import static dev.keelson.control.api.table.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;

/** Pod columns: Name, Ready, Status, Restarts, Age, and IP, Node, Nominated Node, Readiness Gates wide. */
final class PodColumns {
    private PodColumns() {}

    static List<Column> columns(Clock clock) {
        return List.of(Column.named(),
                Column.of("Ready", "string", "The aggregate readiness state of this pod for accepting traffic.",
                        PodColumns::ready),
                Column.of("Status", "string", "The aggregate status of the containers in this pod.", PodColumns::status),
                Column.of("Restarts", "string", "The number of times the containers in this pod have been restarted.",
                        o -> Long.toString(restarts(o))),
                Column.age(clock),
                Column.wide("IP", "string", "IP address allocated to the pod.", o -> text(o, "status.podIP")),
                Column.wide("Node", "string", "Name of the node the pod is assigned to.", o -> text(o, "spec.nodeName")),
                Column.wide("Nominated Node", "string", "Name of the node the pod is nominated to.",
                        o -> text(o, "status.nominatedNodeName")),
                Column.wide("Readiness Gates", "string", "The readiness gates of the pod.", PodColumns::gates));
    }

    static String ready(JsonNode pod) {
        int total = pod.path("spec").path("containers").size();
        int ready = 0;
        for (JsonNode c : pod.path("status").path("containerStatuses")) {
            if (c.path("ready").asBoolean(false)) {
                ready++;
            }
        }
        return ready + "/" + total;
    }

    static String status(JsonNode pod) {
        if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
            return "Terminating";
        }
        String reason = pod.path("status").path("reason").asText("");
        if (reason.isEmpty()) {
            reason = pod.path("status").path("phase").asText("Pending");
        }
        for (JsonNode c : pod.path("status").path("containerStatuses")) {
            JsonNode state = c.path("state");
            String waiting = state.path("waiting").path("reason").asText("");
            String terminated = state.path("terminated").path("reason").asText("");
            if (!waiting.isEmpty()) {
                return waiting;
            }
            if (!terminated.isEmpty() && !reason.equals("Running")) {
                reason = terminated;
            }
        }
        return reason;
    }

    static long restarts(JsonNode pod) {
        long n = 0;
        for (JsonNode c : pod.path("status").path("containerStatuses")) {
            n += c.path("restartCount").asLong(0);
        }
        return n;
    }

    private static String gates(JsonNode pod) {
        JsonNode gates = pod.path("spec").path("readinessGates");
        if (gates.isEmpty()) {
            return NONE;
        }
        int ok = 0;
        for (JsonNode g : gates) {
            String type = g.path("conditionType").asText();
            for (JsonNode c : pod.path("status").path("conditions")) {
                if (c.path("type").asText().equals(type) && c.path("status").asText().equals("True")) {
                    ok++;
                }
            }
        }
        return ok + "/" + gates.size();
    }
}
