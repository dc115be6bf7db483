package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the scheduler needs of a pod, read once from its JSON: requests, placement constraints and
 * priority. {@code nonZero} is the request used for scoring, where a container without CPU or
 * memory requests counts as 100m / 200Mi (kube-scheduler's non-zero defaults), so that empty pods
 * still spread.
 */
public record PodInfo(String namespace, String name, String uid, Map<String, String> labels,
                      String nodeName, String schedulerName, int priority, boolean preemptNever,
                      Resources requests, Resources nonZero,
                      Map<String, String> nodeSelector, List<NodeSelectorTerm> requiredTerms,
                      List<Weighted<NodeSelectorTerm>> preferredTerms, List<Toleration> tolerations,
                      List<HostPort> hostPorts, List<AffinityTerm> requiredAffinity,
                      List<AffinityTerm> requiredAntiAffinity, List<AffinityTerm> preferredAffinity,
                      List<AffinityTerm> preferredAntiAffinity, List<SpreadConstraint> spread,
                      List<String> images, long creationOrder, List<String> claims) {

    static final long DEFAULT_MILLI_CPU = 100;
    static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

    /** A host port a container asks for; hostIP "" or 0.0.0.0 conflicts with every address. */
    public record HostPort(String protocol, String hostIP, int port) {
        public boolean conflicts(HostPort o) {
            if (port != o.port || !protocol.equals(o.protocol)) {
                return false;
            }
            return wildcard(hostIP) || wildcard(o.hostIP) || hostIP.equals(o.hostIP);
        }

        private static boolean wildcard(String ip) {
            return ip.isEmpty() || ip.equals("0.0.0.0") || ip.equals("::");
        }
    }

    /** A preference with its weight (1–100). */
    public record Weighted<T>(int weight, T term) {}

    public String key() {
        return namespace + "/" + name;
    }

    public static PodInfo of(ObjectNode pod) {
        return of(pod, 0);
    }

    public static PodInfo of(ObjectNode pod, long creationOrder) {
        JsonNode meta = pod.path("metadata");
        JsonNode spec = pod.path("spec");
        String ns = meta.path("namespace").asText("default");
        Resources req = Resources.NONE;
        long nzCpu = 0;
        long nzMem = 0;
        List<HostPort> ports = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (JsonNode c : spec.path("containers")) {
            Resources r = Resources.of(c.path("resources").path("requests"));
            req = req.plus(r);
            nzCpu += c.path("resources").path("requests").has("cpu") ? r.milliCpu() : DEFAULT_MILLI_CPU;
            nzMem += c.path("resources").path("requests").has("memory") ? r.memory() : DEFAULT_MEMORY;
            for (JsonNode p : c.path("ports")) {
                int hp = p.path("hostPort").asInt(0);
                if (hp > 0) {
                    ports.add(new HostPort(p.path("protocol").asText("TCP"), p.path("hostIP").asText(""), hp));
                }
            }
            images.add(c.path("image").asText());
        }
        for (JsonNode c : spec.path("initContainers")) {
            req = req.max(Resources.of(c.path("resources").path("requests")));
        }
        req = req.plus(Resources.of(spec.path("overhead")));
        JsonNode aff = spec.path("affinity");
        JsonNode na = aff.path("nodeAffinity");
        List<NodeSelectorTerm> required = new ArrayList<>();
        na.path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms")
                .forEach(t -> required.add(NodeSelectorTerm.of(t)));
        List<Weighted<NodeSelectorTerm>> preferred = new ArrayList<>();
        na.path("preferredDuringSchedulingIgnoredDuringExecution")
                .forEach(p -> preferred.add(new Weighted<>(p.path("weight").asInt(1), NodeSelectorTerm.of(p.path("preference")))));
        List<Toleration> tolerations = new ArrayList<>();
        spec.path("tolerations").forEach(t -> tolerations.add(Toleration.of(t)));
        List<SpreadConstraint> spread = new ArrayList<>();
        spec.path("topologySpreadConstraints").forEach(c -> spread.add(SpreadConstraint.of(c)));
        return new PodInfo(ns, meta.path("name").asText(), meta.path("uid").asText(),
                Json.stringMap(meta.path("labels")), spec.path("nodeName").asText(""),
                spec.path("schedulerName").asText("default-scheduler"), spec.path("priority").asInt(0),
                "Never".equals(spec.path("preemptionPolicy").asText()),
                req, new Resources(nzCpu, nzMem, 0, 0, Map.of()),
                Json.stringMap(spec.path("nodeSelector")), List.copyOf(required), List.copyOf(preferred),
                List.copyOf(tolerations), List.copyOf(ports),
                terms(aff.path("podAffinity").path("requiredDuringSchedulingIgnoredDuringExecution"), ns, false),
                terms(aff.path("podAntiAffinity").path("requiredDuringSchedulingIgnoredDuringExecution"), ns, false),
                terms(aff.path("podAffinity").path("preferredDuringSchedulingIgnoredDuringExecution"), ns, true),
                terms(aff.path("podAntiAffinity").path("preferredDuringSchedulingIgnoredDuringExecution"), ns, true),
                List.copyOf(spread), List.copyOf(images), creationOrder, claimNames(spec));
    }

    /** The PersistentVolumeClaims the pod's volumes name. */
    private static List<String> claimNames(JsonNode spec) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : spec.path("volumes")) {
            String claim = v.path("persistentVolumeClaim").path("claimName").asText("");
            if (!claim.isEmpty()) {
                out.add(claim);
            }
        }
        return List.copyOf(out);
    }

    private static List<AffinityTerm> terms(JsonNode list, String ns, boolean weighted) {
        List<AffinityTerm> out = new ArrayList<>();
        for (JsonNode t : list) {
            out.add(weighted ? AffinityTerm.of(t.path("podAffinityTerm"), ns, t.path("weight").asInt(1))
                    : AffinityTerm.of(t, ns, 0));
        }
        return List.copyOf(out);
    }

    /** Whether any inter-pod (anti-)affinity is declared (lets plugins skip their pre-pass). */
    public boolean hasPodAffinity() {
        return !requiredAffinity.isEmpty() || !requiredAntiAffinity.isEmpty()
                || !preferredAffinity.isEmpty() || !preferredAntiAffinity.isEmpty();
    }
}
