package dev.keelson.control.api.alloc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.rest.ApiException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The node-port half of one Service write (see {@link ServiceAllocator}). */
final class PortAssignment {
    private final NodePorts ports;
    private final ServiceAllocator.Tx tx;

    PortAssignment(NodePorts ports, ServiceAllocator.Tx tx) {
        this.ports = ports;
        this.tx = tx;
    }

    void assign(ObjectNode spec, JsonNode oldSpec) {
        JsonNode list = spec.path("ports");
        if (!NodePorts.wanted(spec)) {
            // A Service that stops being NodePort gives its ports back (the allocator frees them on commit).
            for (JsonNode p : list) {
                ((ObjectNode) p).remove("nodePort");
            }
            return;
        }
        Map<String, Long> previous = new HashMap<>();
        Set<Long> held = new HashSet<>();
        if (oldSpec != null && NodePorts.wanted(oldSpec)) {
            for (JsonNode p : oldSpec.path("ports")) {
                long np = p.path("nodePort").asLong(0);
                if (np > 0) {
                    previous.put(key(p), np);
                    held.add(np);
                }
            }
        }
        Map<Long, Long> byServicePort = new HashMap<>();  // ports of one number share a node port
        Set<Long> claimed = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            ObjectNode p = (ObjectNode) list.get(i);
            long np = p.path("nodePort").asLong(0);
            if (np == 0 && previous.containsKey(key(p))) {
                np = previous.get(key(p));
                p.put("nodePort", np);
            }
            if (np == 0) {
                continue;
            }
            if (!claimed.contains(np) && !held.contains(np)) {
                take(np, i);
            }
            claimed.add(np);
            byServicePort.putIfAbsent(p.path("port").asLong(), np);
        }
        for (JsonNode n : list) {
            ObjectNode p = (ObjectNode) n;
            if (p.path("nodePort").asLong(0) != 0) {
                continue;
            }
            Long shared = byServicePort.get(p.path("port").asLong());
            if (shared != null) {
                p.put("nodePort", shared);
            } else if (!tx.dryRun()) {
                long np = ports.takeAny(tx.owner()).orElseThrow(() ->
                        ApiException.internal("failed to allocate a nodePort: range is full"));
                tx.onAbandon(() -> ports.release(np, tx.owner()));
                p.put("nodePort", np);
                byServicePort.put(p.path("port").asLong(), np);
            }
        }
    }

    private void take(long np, int index) {
        String field = "spec.ports[" + index + "].nodePort";
        if (!ports.inRange(np)) {
            throw tx.invalid(field, "Invalid value: " + np + ": provided port is not in the valid range. "
                    + "The range of valid ports is " + ports.rangeText());
        }
        boolean ok = tx.dryRun() ? ports.isFree(np) : ports.take(np, tx.owner());
        if (!ok) {
            throw tx.invalid(field, "Invalid value: " + np + ": provided port is already allocated");
        }
        if (!tx.dryRun()) {
            tx.onAbandon(() -> ports.release(np, tx.owner()));
        }
    }

    private static String key(JsonNode port) {
        return port.path("port").asLong() + "/" + port.path("protocol").asText("TCP");
    }
}
