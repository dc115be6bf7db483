package dev.keelson.node.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.cri.api.v1.RuntimeCondition;
import dev.keelson.cri.api.v1.StatusRequest;
import dev.keelson.node.NodeAgentConfig;
import dev.keelson.node.cri.CriConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * Registers the Node and keeps it alive, as the kubelet's node status manager and lease controller
 * do: the {@code kube-node-lease/<node>} Lease is renewed every {@code leaseRenew} (10 s), and the
 * node status is recomputed every {@code statusCheck} and written when it changed or when
 * {@code statusReport} (1 min) has passed since the last write.
 */
public final class NodeHeartbeat implements AutoCloseable {
    static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final NodeAgentConfig config;
    private final KubeClient client;
    private final CriConnection cri;
    private final Consumer<String> log;
    private final Clock clock = Clock.systemUTC();
    private final String ip;
    private volatile String runtimeVersion = "";
    private volatile String nodeUid = "";
    private volatile Instant lastReport = Instant.EPOCH;
    private volatile boolean closed;
    private Thread leaseThread;
    private Thread statusThread;

    public NodeHeartbeat(NodeAgentConfig config, KubeClient client, CriConnection cri, Consumer<String> log) {
        this.config = config;
        this.client = client;
        this.cri = cri;
        this.log = log;
        this.ip = config.nodeIp() != null ? config.nodeIp() : MachineInfo.defaultIpv4().orElse("127.0.0.1");
    }

    /** The InternalIP this node reports (pods' hostIP). */
    public String nodeIp() {
        return ip;
    }

    /** {@code <runtime_name>://<runtime_version>} from CRI Version (read at registration). */
    public String runtimeVersion() {
        return runtimeVersion;
    }

    /** Creates the Node (or takes over an existing one), the Lease, and starts both loops. */
    public NodeHeartbeat start() {
        dev.keelson.cri.api.v1.VersionResponse v;
        try {
            v = cri.version();
        } catch (io.grpc.StatusRuntimeException e) {
            throw new IllegalStateException("cannot reach the CRI runtime at " + cri.socket() + ": "
                    + e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription()), e);
        }
        runtimeVersion = v.getRuntimeName() + "://" + v.getRuntimeVersion();
        register();
        renewLease();
        leaseThread = Thread.ofVirtual().name("node-lease").start(() -> loop(config.timings().leaseRenew().toMillis(), this::renewLease));
        statusThread = Thread.ofVirtual().name("node-status").start(() -> loop(config.timings().statusCheck().toMillis(), this::reportStatus));
        return this;
    }

    private void register() {
        ObjectNode node = NodeStatusFactory.node(config, MachineInfo.read(), ip, runtimeVersion, health(), clock.instant());
        try {
            ObjectNode created = client.create(Resource.NODES, null, node);
            nodeUid = created.path("metadata").path("uid").asText();
            lastReport = clock.instant();
            log.accept("registered node " + config.nodeName() + " (" + ip + ", " + runtimeVersion + ")");
        } catch (ApiException e) {
            if (!e.alreadyExists()) {
                throw e;
            }
            // a restarted agent: keep the object, refresh our labels and the status
            ObjectNode existing = client.get(Resource.NODES, null, config.nodeName());
            nodeUid = existing.path("metadata").path("uid").asText();
            ObjectNode labels = existing.withObjectProperty("metadata").withObjectProperty("labels");
            node.path("metadata").path("labels").properties().forEach(en -> labels.set(en.getKey(), en.getValue()));
            ObjectNode updated = client.update(Resource.NODES, existing, null);
            lastReport = Instant.EPOCH;
            writeStatus(updated);
            log.accept("node " + config.nodeName() + " already registered; status refreshed");
        }
    }

    /** Renews the Lease, creating it (owned by the Node) when missing. */
    void renewLease() {
        String now = MICRO_TIME.format(clock.instant());
        try {
            ObjectNode lease = client.get(Resource.LEASES, LEASE_NAMESPACE, config.nodeName());
            lease.withObjectProperty("spec").put("holderIdentity", config.nodeName())
                    .put("leaseDurationSeconds", config.timings().leaseDuration().toSeconds()).put("renewTime", now);
            client.update(Resource.LEASES, lease, null);
        } catch (ApiException e) {
            if (!e.notFound()) {
                throw e;
            }
            ObjectNode lease = MAPPER.createObjectNode();
            lease.put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
            ObjectNode meta = lease.putObject("metadata").put("name", config.nodeName()).put("namespace", LEASE_NAMESPACE);
            if (!nodeUid.isEmpty()) {
                meta.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Node")
                        .put("name", config.nodeName()).put("uid", nodeUid);
            }
            lease.putObject("spec").put("holderIdentity", config.nodeName())
                    .put("leaseDurationSeconds", config.timings().leaseDuration().toSeconds()).put("renewTime", now);
            client.create(Resource.LEASES, LEASE_NAMESPACE, lease);
        }
    }

    /** Recomputes the status; writes it when it changed or the report period has passed. */
    void reportStatus() {
        writeStatus(client.get(Resource.NODES, null, config.nodeName()));
    }

    private void writeStatus(ObjectNode current) {
        JsonNode previous = current.path("status");
        Instant now = clock.instant();
        ObjectNode status = NodeStatusFactory.status(config, MachineInfo.read(), ip, runtimeVersion, health(), previous, now);
        boolean due = now.isAfter(lastReport.plus(config.timings().statusReport()));
        if (!due && !NodeStatusFactory.changed(previous, status)) {
            return;
        }
        // keep what others own in status (e.g. images, volumes) that this agent does not compute
        ObjectNode merged = previous.isObject() ? ((ObjectNode) previous).deepCopy() : MAPPER.createObjectNode();
        merged.setAll(status);
        current.set("status", merged);
        client.update(Resource.NODES, current, "status");
        lastReport = now;
    }

    private NodeStatusFactory.RuntimeHealth health() {
        try {
            var st = cri.runtime().status(StatusRequest.getDefaultInstance()).getStatus();
            boolean runtime = false;
            boolean network = false;
            String reason = "";
            String message = "";
            for (RuntimeCondition c : st.getConditionsList()) {
                if (c.getType().equals("RuntimeReady")) {
                    runtime = c.getStatus();
                } else if (c.getType().equals("NetworkReady")) {
                    network = c.getStatus();
                }
                if (!c.getStatus()) {
                    reason = c.getReason();
                    message = c.getMessage();
                }
            }
            return new NodeStatusFactory.RuntimeHealth(runtime, network, reason, message);
        } catch (RuntimeException e) {
            return new NodeStatusFactory.RuntimeHealth(false, false, "RuntimeUnreachable", e.getMessage());
        }
    }

    private void loop(long periodMs, Runnable step) {
        while (!closed) {
            try {
                Thread.sleep(periodMs);
                step.run();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    log.accept(Thread.currentThread().getName() + ": " + e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : new Thread[] {leaseThread, statusThread}) {
            if (t != null) {
                t.interrupt();
            }
        }
    }
}
