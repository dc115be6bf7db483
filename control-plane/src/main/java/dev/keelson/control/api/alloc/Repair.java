package dev.keelson.control.api.alloc;

import dev.keelson.control.model.Ips;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Start-up reconciliation of allocation records with the stored Services (Kubernetes'
 * {@code ipallocator/controller/repair.go} and {@code portallocator/controller/repair.go}).
 */
final class Repair {
    private static final System.Logger LOG = System.getLogger(Repair.class.getName());
    private final ClusterIps ips;
    private final NodePorts ports;

    Repair(ClusterIps ips, NodePorts ports) {
        this.ips = ips;
        this.ports = ports;
    }

    int run(List<ObjectNode> services, long graceMillis) {
        Map<String, String> wantIps = new HashMap<>();
        Map<String, String> wantPorts = new HashMap<>();
        for (ObjectNode svc : services) {
            String owner = ServiceAllocator.owner(svc);
            JsonNode spec = svc.path("spec");
            ClusterIps.of(spec).forEach(ip -> wantIps.put(ip, owner));
            NodePorts.of(spec).forEach(p -> wantPorts.put(Long.toString(p), owner));
        }
        Map<String, SlotRange.Holder> haveIps = ips.taken();
        Map<String, SlotRange.Holder> havePorts = ports.taken();
        int changed = 0;
        long now = System.currentTimeMillis();
        for (var e : wantIps.entrySet()) {
            if (!haveIps.containsKey(e.getKey())) {
                boolean inRange = Ips.parse(e.getKey()).flatMap(ips::outOfRange).isEmpty();
                if (inRange && ips.take(e.getKey(), e.getValue())) {
                    LOG.log(System.Logger.Level.WARNING, "the cluster IP {0} of Service {1} had no allocation record; "
                            + "repaired", e.getKey(), e.getValue());
                    changed++;
                }
            }
        }
        for (var e : wantPorts.entrySet()) {
            if (!havePorts.containsKey(e.getKey()) && ports.inRange(Long.parseLong(e.getKey()))
                    && ports.take(Long.parseLong(e.getKey()), e.getValue())) {
                changed++;
            }
        }
        for (var e : haveIps.entrySet()) {
            SlotRange.Holder h = e.getValue();
            if (!h.owner().equals(wantIps.get(e.getKey())) && now - h.since() >= graceMillis) {
                ips.release(e.getKey(), h.owner());
                changed++;
            }
        }
        for (var e : havePorts.entrySet()) {
            SlotRange.Holder h = e.getValue();
            if (!h.owner().equals(wantPorts.get(e.getKey())) && now - h.since() >= graceMillis) {
                ports.release(Long.parseLong(e.getKey()), h.owner());
                changed++;
            }
        }
        return changed;
    }
}
