package dev.keelson.node.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.node.NodeAgentConfig;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The Node object and its status, from machine facts and the runtime's health — a pure function
 * so that what the kubelet would report can be tested without a machine.
 *
 * <p>Reserves follow the kubelet's defaults: nothing reserved for system daemons, but the default
 * hard eviction thresholds ({@code memory.available<100Mi}, {@code nodefs.available<10%}) come off
 * allocatable, and the same thresholds raise MemoryPressure and DiskPressure.
 */
public final class NodeStatusFactory {
    /** What the node agent reports as {@code kubeletVersion}. */
    public static final String KUBELET_VERSION = "v1.33.0-keelson";
    static final long MEMORY_EVICTION_BYTES = 100L << 20;
    static final int MAX_PODS = 110;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The runtime's health as CRI {@code Status} reports it. */
    public record RuntimeHealth(boolean runtimeReady, boolean networkReady, String reason, String message) {
        public static RuntimeHealth ready() {
            return new RuntimeHealth(true, true, "", "");
        }
    }

    private NodeStatusFactory() {}

    /** A new Node object (metadata, spec and status) to create at registration. */
    public static ObjectNode node(NodeAgentConfig config, MachineInfo m, String ip, String runtimeVersion,
                                  RuntimeHealth health, Instant now) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("apiVersion", "v1").put("kind", "Node");
        ObjectNode meta = node.putObject("metadata").put("name", config.nodeName());
        ObjectNode labels = meta.putObject("labels");
        labels.put("kubernetes.io/hostname", config.nodeName())
                .put("kubernetes.io/os", "linux").put("kubernetes.io/arch", arch())
                .put("beta.kubernetes.io/os", "linux").put("beta.kubernetes.io/arch", arch());
        config.labels().forEach(labels::put);
        ObjectNode spec = node.putObject("spec");
        if (config.podCidr() != null) {
            spec.put("podCIDR", config.podCidr()).putArray("podCIDRs").add(config.podCidr());
        }
        node.set("status", status(config, m, ip, runtimeVersion, health, null, now));
        return node;
    }

    /**
     * The status to report. Conditions keep their {@code lastTransitionTime} from {@code previous}
     * (the status now on the server, or null) unless their status changed.
     */
    public static ObjectNode status(NodeAgentConfig config, MachineInfo m, String ip, String runtimeVersion,
                                    RuntimeHealth health, JsonNode previous, Instant now) {
        ObjectNode s = MAPPER.createObjectNode();
        ObjectNode capacity = s.putObject("capacity");
        capacity.put("cpu", Integer.toString(m.cpus()))
                .put("memory", (m.memoryTotal() / 1024) + "Ki")
                .put("ephemeral-storage", (m.rootfsTotal() / 1024) + "Ki")
                .put("pods", Integer.toString(MAX_PODS))
                .put("hugepages-1Gi", "0").put("hugepages-2Mi", "0");
        ObjectNode allocatable = s.putObject("allocatable");
        allocatable.put("cpu", Integer.toString(m.cpus()))
                .put("memory", (Math.max(0, m.memoryTotal() - MEMORY_EVICTION_BYTES) / 1024) + "Ki")
                .put("ephemeral-storage", Long.toString(m.rootfsTotal() - m.rootfsTotal() / 10))
                .put("pods", Integer.toString(MAX_PODS))
                .put("hugepages-1Gi", "0").put("hugepages-2Mi", "0");
        ArrayNode conditions = s.putArray("conditions");
        JsonNode prev = previous == null ? MAPPER.createArrayNode() : previous.path("conditions");
        boolean memPressure = m.memoryAvailable() < MEMORY_EVICTION_BYTES;
        boolean diskPressure = m.rootfsTotal() == 0 || m.rootfsAvailable() < m.rootfsTotal() / 10;
        boolean pidPressure = m.pidMax() > 0 && m.pidsInUse() > m.pidMax() * 9 / 10;
        condition(conditions, prev, now, "MemoryPressure", memPressure,
                memPressure ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory",
                memPressure ? "kubelet has insufficient memory available" : "kubelet has sufficient memory available");
        condition(conditions, prev, now, "DiskPressure", diskPressure,
                diskPressure ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
                diskPressure ? "kubelet has disk pressure" : "kubelet has no disk pressure");
        condition(conditions, prev, now, "PIDPressure", pidPressure,
                pidPressure ? "KubeletHasInsufficientPID" : "KubeletHasSufficientPID",
                pidPressure ? "kubelet has insufficient PID available" : "kubelet has sufficient PID available");
        boolean ready = health.runtimeReady() && health.networkReady();
        condition(conditions, prev, now, "Ready", ready, ready ? "KubeletReady" : "KubeletNotReady",
                ready ? "kubelet is posting ready status" : notReadyMessage(health));
        ArrayNode addresses = s.putArray("addresses");
        addresses.addObject().put("type", "InternalIP").put("address", ip);
        addresses.addObject().put("type", "Hostname").put("address", config.nodeName());
        s.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", config.kubeletPort());
        ObjectNode info = s.putObject("nodeInfo");
        info.put("machineID", m.machineId()).put("systemUUID", m.systemUuid()).put("bootID", m.bootId())
                .put("kernelVersion", m.kernelVersion()).put("osImage", m.osImage())
                .put("containerRuntimeVersion", runtimeVersion).put("kubeletVersion", KUBELET_VERSION)
                .put("kubeProxyVersion", "").put("operatingSystem", "linux").put("architecture", arch());
        return s;
    }

    /** True when two statuses differ in anything but heartbeat times. */
    public static boolean changed(JsonNode a, JsonNode b) {
        return !withoutHeartbeats(a).equals(withoutHeartbeats(b));
    }

    private static JsonNode withoutHeartbeats(JsonNode status) {
        if (status == null || !status.isObject()) {
            return MAPPER.createObjectNode();
        }
        ObjectNode copy = ((ObjectNode) status).deepCopy();
        for (JsonNode c : copy.path("conditions")) {
            ((ObjectNode) c).remove(List.of("lastHeartbeatTime", "lastTransitionTime"));
        }
        copy.remove("images");
        return copy;
    }

    private static String notReadyMessage(RuntimeHealth h) {
        String which = h.runtimeReady() ? "container runtime network not ready: NetworkReady=false"
                : "container runtime is down: RuntimeReady=false";
        return which + " reason:" + h.reason() + " message:" + h.message();
    }

    private static void condition(ArrayNode out, JsonNode previous, Instant now, String type, boolean on,
                                  String reason, String message) {
        String status = on ? "True" : "False";
        String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
        String transition = ts;
        for (JsonNode p : previous) {
            if (p.path("type").asText().equals(type) && p.path("status").asText().equals(status)
                    && p.hasNonNull("lastTransitionTime")) {
                transition = p.path("lastTransitionTime").asText();
            }
        }
        out.addObject().put("type", type).put("status", status).put("lastHeartbeatTime", ts)
                .put("lastTransitionTime", transition).put("reason", reason).put("message", message);
    }

    static String arch() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> System.getProperty("os.arch");
        };
    }
}
