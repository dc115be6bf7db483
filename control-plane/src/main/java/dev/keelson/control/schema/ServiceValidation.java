package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Validation of Services, worded like Kubernetes' {@code ValidateService}. */
final class ServiceValidation {
    private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    private static final List<String> AFFINITIES = List.of("ClientIP", "None");

    private ServiceValidation() {}

    static void service(JsonNode svc, FieldErrors errs) {
        JsonNode spec = svc.path("spec");
        String type = spec.path("type").asText("");
        if (!TYPES.contains(type)) {
            errs.notSupported("spec.type", type, TYPES);
        }
        String affinity = spec.path("sessionAffinity").asText("");
        if (!AFFINITIES.contains(affinity)) {
            errs.notSupported("spec.sessionAffinity", affinity, AFFINITIES);
        }
        boolean headless = "None".equals(spec.path("clusterIP").asText(""));
        JsonNode ports = spec.path("ports");
        if (type.equals("ExternalName")) {
            if (spec.path("externalName").asText("").isEmpty()) {
                errs.required("spec.externalName", null);
            }
        } else if (ports.isEmpty() && !headless) {
            errs.required("spec.ports", null);
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            port(ports.get(i), "spec.ports[" + i + "]", ports.size() > 1, names, errs);
        }
        MetaValidation.labels(spec.path("selector"), "spec.selector", errs);
    }

    private static void port(JsonNode port, String p, boolean named, Set<String> names, FieldErrors errs) {
        String name = port.path("name").asText("");
        if (name.isEmpty()) {
            if (named) {
                errs.required(p + ".name", null);
            }
        } else {
            errs.invalidEach(p + ".name", name, NameRules.dns1123Label(name));
            if (!names.add(name)) {
                errs.duplicate(p + ".name", name);
            }
        }
        long number = port.path("port").asLong(0);
        errs.invalidEach(p + ".port", number, NameRules.portNumber(number));
        String protocol = port.path("protocol").asText("");
        if (!PodValidation.protocols().contains(protocol)) {
            errs.notSupported(p + ".protocol", protocol, PodValidation.protocols());
        }
        JsonNode target = port.path("targetPort");
        if (target.isIntegralNumber()) {
            errs.invalidEach(p + ".targetPort", target.asLong(), NameRules.portNumber(target.asLong()));
        } else if (target.isTextual()) {
            errs.invalidEach(p + ".targetPort", target.asText(), NameRules.portName(target.asText()));
        }
        JsonNode nodePort = port.path("nodePort");
        if (nodePort.isIntegralNumber() && nodePort.asLong() != 0) {
            errs.invalidEach(p + ".nodePort", nodePort.asLong(), NameRules.portNumber(nodePort.asLong()));
        }
    }
}
