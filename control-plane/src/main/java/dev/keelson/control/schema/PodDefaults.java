package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Defaults of pods and pod templates (core/v1 {@code SetDefaults_PodSpec}, containers, probes, volumes). */
final class PodDefaults {
    private PodDefaults() {}

    /** A Pod: spec defaults plus what the create strategy and default admission add. */
    static void pod(ObjectNode pod) {
        ObjectNode spec = Json.obj(pod, "spec");
        spec(spec);
        // Priority admission resolves the (absent) priority class to the global default.
        Json.putIfAbsent(spec, "priority", 0);
        Json.putIfAbsent(spec, "preemptionPolicy", "PreemptLowerPriority");
        // DefaultTolerationSeconds admission: tolerate a not-ready/unreachable node for 300 s.
        ArrayNode tolerations = spec.get("tolerations") instanceof ArrayNode a ? a : spec.putArray("tolerations");
        for (String taint : new String[] {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
            boolean present = false;
            for (JsonNode t : tolerations) {
                present |= taint.equals(t.path("key").asText()) && "NoExecute".equals(t.path("effect").asText());
            }
            if (!present) {
                ObjectNode t = tolerations.addObject();
                t.put("key", taint);
                t.put("operator", "Exists");
                t.put("effect", "NoExecute");
                t.put("tolerationSeconds", 300);
            }
        }
        ObjectNode status = Json.obj(pod, "status");
        Json.putIfAbsent(status, "phase", "Pending");
        Json.putIfAbsent(status, "qosClass", QosClass.of(spec));
    }

    /** A pod template ({@code spec.template} of workloads). */
    static void template(ObjectNode template) {
        spec(Json.obj(template, "spec"));
    }

    static void spec(ObjectNode spec) {
        Json.putIfAbsent(spec, "restartPolicy", "Always");
        Json.putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
        Json.putIfAbsent(spec, "terminationGracePeriodSeconds", 30);
        Json.objIfAbsent(spec, "securityContext");
        Json.putIfAbsent(spec, "schedulerName", "default-scheduler");
        Json.putIfAbsent(spec, "enableServiceLinks", true);
        if (spec.has("serviceAccountName") && !spec.has("serviceAccount")) {
            spec.set("serviceAccount", spec.get("serviceAccountName"));
        }
        boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
        for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            for (JsonNode c : spec.path(list)) {
                if (c instanceof ObjectNode container) {
                    container(container, hostNetwork);
                }
            }
        }
        for (JsonNode v : spec.path("volumes")) {
            if (v instanceof ObjectNode volume) {
                volume(volume);
            }
        }
    }

    private static void container(ObjectNode c, boolean hostNetwork) {
        Json.putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
        Json.putIfAbsent(c, "terminationMessagePolicy", "File");
        if (Json.unset(c, "imagePullPolicy")) {
            c.put("imagePullPolicy", pullPolicy(c.path("image").asText("")));
        }
        Json.objIfAbsent(c, "resources");
        for (JsonNode p : c.path("ports")) {
            if (p instanceof ObjectNode port) {
                Json.putIfAbsent(port, "protocol", "TCP");
                if (hostNetwork && Json.unset(port, "hostPort") && port.has("containerPort")) {
                    port.set("hostPort", port.get("containerPort"));
                }
            }
        }
        for (JsonNode e : c.path("env")) {
            JsonNode fieldRef = e.path("valueFrom").path("fieldRef");
            if (fieldRef instanceof ObjectNode f) {
                Json.putIfAbsent(f, "apiVersion", "v1");
            }
        }
        for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
            if (c.get(probe) instanceof ObjectNode p) {
                Json.putIfAbsent(p, "timeoutSeconds", 1);
                Json.putIfAbsent(p, "periodSeconds", 10);
                Json.putIfAbsent(p, "successThreshold", 1);
                Json.putIfAbsent(p, "failureThreshold", 3);
                if (p.get("httpGet") instanceof ObjectNode http) {
                    Json.putIfAbsent(http, "path", "/");
                    Json.putIfAbsent(http, "scheme", "HTTP");
                }
            }
        }
    }

    /** Always for {@code :latest} or an untagged, undigested image; IfNotPresent otherwise. */
    static String pullPolicy(String image) {
        if (image.contains("@")) {
            return "IfNotPresent";
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon <= slash) {
            return "Always";
        }
        return image.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
    }

    private static void volume(ObjectNode v) {
        boolean hasSource = false;
        for (var it = v.fieldNames(); it.hasNext(); ) {
            hasSource |= !it.next().equals("name");
        }
        if (!hasSource) {
            v.putObject("emptyDir");
        }
        for (String source : new String[] {"configMap", "downwardAPI", "projected"}) {
            if (v.get(source) instanceof ObjectNode s) {
                Json.putIfAbsent(s, "defaultMode", 420);
            }
        }
        if (v.get("secret") instanceof ObjectNode s) {
            // Keelson's one deliberate default that differs from Kubernetes (0644): secret files are
            // readable by their owner only unless the pod asks for more.
            Json.putIfAbsent(s, "defaultMode", 256);
        }
        if (v.get("hostPath") instanceof ObjectNode h) {
            Json.putIfAbsent(h, "type", "");
        }
    }
}
