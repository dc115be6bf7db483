package dev.keelson.control.api.alloc;

import dev.keelson.control.model.Cidr;
import dev.keelson.control.model.Ips;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.rest.ApiException;
import dev.keelson.control.api.rest.WriteHooks;
import dev.keelson.control.schema.Schemas.FieldError;
import dev.keelson.control.store.Store;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives Services their cluster IPs and node ports (Kubernetes' service registry allocators):
 *
 * <pre>
 *   create  clusterIP ""      → a random free IP of each family the Service asks for
 *           clusterIP "None"  → headless, nothing taken
 *           clusterIP x       → x if in range and free, else 422
 *           NodePort/LoadBalancer ports → requested (checked) or random node ports
 *   update  clusterIP left out → kept; changed → 422 "may not change once set"
 *           node ports left out → kept per (port, protocol); new ones taken; dropped ones freed
 *   delete  everything the Service held is freed
 * </pre>
 *
 * Each taken IP or port is a key the store creates atomically (see {@link SlotRange}), so
 * concurrent creates never share one, across threads or API servers. What a failed write took is
 * given back; a crash between taking and writing leaves an orphan record that {@link #repair}
 * frees on the next start.
 */
public final class ServiceAllocator implements WriteHooks {
    private final ClusterIps ips;
    private final NodePorts ports;

    /**
     * @param serviceCidrs one or two prefixes (one per family); the first is the primary family
     * @param nodePortFirst first node port (30000 in Kubernetes)
     * @param nodePortLast last node port (32767 in Kubernetes)
     */
    public ServiceAllocator(Store store, List<Cidr> serviceCidrs, int nodePortFirst, int nodePortLast) {
        this.ips = new ClusterIps(store, serviceCidrs);
        this.ports = new NodePorts(store, nodePortFirst, nodePortLast);
    }

    /** The {@code kubernetes} Service's address: the first IP of the primary service CIDR. */
    public String firstIp() {
        return ips.first();
    }

    /** Who holds each taken cluster IP, as {@code namespace/name/uid}. */
    public Map<String, String> clusterIpHolders() {
        Map<String, String> out = new HashMap<>();
        ips.taken().forEach((ip, h) -> out.put(ip, h.owner()));
        return out;
    }

    static boolean isService(ResourceType type) {
        return type.group().isEmpty() && type.resource().equals("services");
    }

    static String owner(JsonNode svc) {
        JsonNode m = svc.path("metadata");
        return m.path("namespace").asText("") + "/" + m.path("name").asText("") + "/" + m.path("uid").asText("");
    }

    @Override
    public Pending beforeWrite(ResourceType type, ObjectNode old, ObjectNode next, boolean dryRun) {
        if (!isService(type)) {
            return Pending.NOTHING;
        }
        Tx tx = new Tx(type, next, dryRun);
        try {
            ObjectNode spec = next.withObjectProperty("spec");
            JsonNode oldSpec = old == null ? null : old.path("spec");
            if (spec.path("type").asText("").equals("ExternalName")) {
                spec.remove(List.of("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"));
            } else {
                new IpAssignment(ips, tx).assign(spec, oldSpec);
            }
            new PortAssignment(ports, tx).assign(spec, oldSpec);
            if (oldSpec != null) {
                // What the old version held and the new one does not is freed once the write lands.
                Set<String> keepIps = new HashSet<>(ClusterIps.of(spec));
                for (String ip : ClusterIps.of(oldSpec)) {
                    if (!keepIps.contains(ip)) {
                        tx.onCommit(() -> ips.release(ip, tx.owner()));
                    }
                }
                Set<Long> keepPorts = NodePorts.of(spec);
                for (long p : NodePorts.of(oldSpec)) {
                    if (!keepPorts.contains(p)) {
                        tx.onCommit(() -> ports.release(p, tx.owner()));
                    }
                }
            }
        } catch (RuntimeException e) {
            tx.abandon();
            throw e;
        }
        return tx.pending();
    }

    @Override
    public void afterDelete(ResourceType type, ObjectNode deleted) {
        if (!isService(type)) {
            return;
        }
        String owner = owner(deleted);
        ClusterIps.of(deleted.path("spec")).forEach(ip -> ips.release(ip, owner));
        NodePorts.of(deleted.path("spec")).forEach(p -> ports.release(p, owner));
    }

    /**
     * Makes the records agree with the stored Services (Kubernetes' repair controllers): records
     * missing for a Service's IPs and ports are written (a store from before this allocator, or a
     * crash), and records whose Service is gone are freed when older than {@code graceMillis}
     * (younger ones may belong to a create still in flight on another server).
     *
     * @return the number of records written or freed
     */
    public int repair(List<ObjectNode> services, long graceMillis) {
        return new Repair(ips, ports).run(services, graceMillis);
    }

    /** The allocations of one write: what to undo if it fails, what to free once it lands. */
    static final class Tx {
        private final ResourceType type;
        private final ObjectNode svc;
        private final boolean dryRun;
        private final String owner;
        private final List<Runnable> undo = new ArrayList<>();
        private final List<Runnable> commit = new ArrayList<>();

        Tx(ResourceType type, ObjectNode svc, boolean dryRun) {
            this.type = type;
            this.svc = svc;
            this.dryRun = dryRun;
            this.owner = ServiceAllocator.owner(svc);
        }

        String owner() {
            return owner;
        }

        boolean dryRun() {
            return dryRun;
        }

        void onAbandon(Runnable r) {
            undo.add(r);
        }

        void onCommit(Runnable r) {
            commit.add(r);
        }

        void abandon() {
            undo.reversed().forEach(Runnable::run);
        }

        Pending pending() {
            return new Pending(() -> commit.forEach(Runnable::run), this::abandon);
        }

        ApiException invalid(String field, String message) {
            return ApiException.invalid(type, svc.path("metadata").path("name").asText(""),
                    List.of(new FieldError("FieldValueInvalid", field, message)));
        }
    }

    /** Go's {@code %#v} of a string slice, as Kubernetes prints a bad {@code clusterIPs} value. */
    static String goStrings(List<String> values) {
        StringBuilder s = new StringBuilder("[]string{");
        for (int i = 0; i < values.size(); i++) {
            s.append(i == 0 ? "" : ", ").append('"').append(values.get(i)).append('"');
        }
        return s.append('}').toString();
    }

    static boolean sameFamily(String ip, String family) {
        return Ips.parse(ip).map(InetAddress.class::cast).map(Ips::family).orElse("").equals(family);
    }
}
