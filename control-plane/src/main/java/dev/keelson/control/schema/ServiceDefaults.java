package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Service defaults (core/v1 {@code SetDefaults_Service} and the registry's IP-family defaults). */
final class ServiceDefaults {
    private ServiceDefaults() {}

    static void service(ObjectNode svc) {
        ObjectNode spec = Json.obj(svc, "spec");
        Json.putIfAbsent(spec, "type", "ClusterIP");
        Json.putIfAbsent(spec, "sessionAffinity", "None");
        String type = spec.path("type").asText();
        for (JsonNode p : spec.path("ports")) {
            if (p instanceof ObjectNode port) {
                Json.putIfAbsent(port, "protocol", "TCP");
                JsonNode target = port.get("targetPort");
                if ((target == null || target.isNull() || (target.isNumber() && target.asInt() == 0)
                        || (target.isTextual() && target.asText().isEmpty())) && port.has("port")) {
                    port.set("targetPort", port.get("port"));
                }
            }
        }
        if (spec.path("sessionAffinity").asText().equals("ClientIP")) {
            ObjectNode clientIp = Json.obj(Json.obj(spec, "sessionAffinityConfig"), "clientIP");
            Json.putIfAbsent(clientIp, "timeoutSeconds", 10800);
        }
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            Json.putIfAbsent(spec, "externalTrafficPolicy", "Cluster");
        }
        if (type.equals("LoadBalancer")) {
            Json.putIfAbsent(spec, "allocateLoadBalancerNodePorts", true);
        }
        if (!type.equals("ExternalName")) {
            Json.putIfAbsent(spec, "internalTrafficPolicy", "Cluster");
            Json.putIfAbsent(spec, "ipFamilyPolicy", "SingleStack");
            if (!spec.has("ipFamilies")) {
                spec.putArray("ipFamilies").add("IPv4");
            }
        }
        Json.objIfAbsent(Json.obj(svc, "status"), "loadBalancer");
    }
}
