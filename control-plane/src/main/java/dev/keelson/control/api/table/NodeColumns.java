package dev.keelson.control.api.table;

import static dev.keelson.control.api.table.Cells.NONE;
import static dev.keelson.control.api.table.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Node columns: Name, Status, Roles, Age, Version, and addresses, OS, kernel, runtime wide. */
final class NodeColumns {
    private NodeColumns() {}

    static List<Column> columns(Clock clock) {
        return List.of(Column.named(),
                Column.of("Status", "string", "The status of the node", NodeColumns::status),
                Column.of("Roles", "string", "The roles of the node", NodeColumns::roles),
                Column.age(clock),
                Column.of("Version", "string", "Kubelet Version reported by the node.",
                        o -> text(o, "status.nodeInfo.kubeletVersion")),
                Column.wide("Internal-IP", "string", "Internal IP", o -> address(o, "InternalIP")),
                Column.wide("External-IP", "string", "External IP", o -> address(o, "ExternalIP")),
                Column.wide("OS-Image", "string", "OS image", o -> text(o, "status.nodeInfo.osImage")),
                Column.wide("Kernel-Version", "string", "Kernel version", o -> text(o, "status.nodeInfo.kernelVersion")),
                Column.wide("Container-Runtime", "string", "Container runtime",
                        o -> text(o, "status.nodeInfo.containerRuntimeVersion")));
    }

    private static String status(JsonNode node) {
        String s = "Unknown";
        for (JsonNode c : node.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                s = switch (c.path("status").asText()) {
                    case "True" -> "Ready";
                    case "False" -> "NotReady";
                    default -> "Unknown";
                };
            }
        }
        return node.path("spec").path("unschedulable").asBoolean(false) ? s + ",SchedulingDisabled" : s;
    }

    private static String roles(JsonNode node) {
        List<String> roles = new ArrayList<>();
        node.path("metadata").path("labels").properties().forEach(e -> {
            String k = e.getKey();
            if (k.startsWith("node-role.kubernetes.io/") && k.length() > "node-role.kubernetes.io/".length()) {
                roles.add(k.substring("node-role.kubernetes.io/".length()));
            } else if (k.equals("kubernetes.io/role")) {
                roles.add(e.getValue().asText());
            }
        });
        return roles.isEmpty() ? NONE : String.join(",", roles.stream().sorted().toList());
    }

    private static String address(JsonNode node, String type) {
        for (JsonNode a : node.path("status").path("addresses")) {
            if (a.path("type").asText().equals(type)) {
                return a.path("address").asText();
            }
        }
        return NONE;
    }
}
