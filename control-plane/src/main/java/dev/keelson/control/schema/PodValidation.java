package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Validation of pod specs (pods and templates), worded like Kubernetes' {@code ValidatePodSpec}. */
final class PodValidation {
    static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    private static final List<String> DNS_POLICIES = List.of("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

    private PodValidation() {}

    static void spec(JsonNode spec, String path, FieldErrors errs) {
        Set<String> volumes = volumes(spec.path("volumes"), path + ".volumes", errs);
        Set<String> names = new HashSet<>();
        containers(spec.path("initContainers"), path + ".initContainers", names, volumes, errs);
        if (spec.path("containers").isEmpty()) {
            errs.required(path + ".containers", null);
        }
        containers(spec.path("containers"), path + ".containers", names, volumes, errs);
        String restart = spec.path("restartPolicy").asText("");
        if (restart.isEmpty()) {
            errs.required(path + ".restartPolicy", null);
        } else if (!RESTART_POLICIES.contains(restart)) {
            errs.notSupported(path + ".restartPolicy", restart, RESTART_POLICIES);
        }
        String dns = spec.path("dnsPolicy").asText("");
        if (!dns.isEmpty() && !DNS_POLICIES.contains(dns)) {
            errs.notSupported(path + ".dnsPolicy", dns, DNS_POLICIES);
        }
        JsonNode deadline = spec.path("activeDeadlineSeconds");
        if (deadline.isNumber() && deadline.asLong() <= 0) {
            errs.invalid(path + ".activeDeadlineSeconds", deadline.asLong(), "must be between 1 and 2147483647, inclusive");
        }
        MetaValidation.labels(spec.path("nodeSelector"), path + ".nodeSelector", errs);
    }

    private static Set<String> volumes(JsonNode volumes, String path, FieldErrors errs) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < volumes.size(); i++) {
            String p = path + "[" + i + "].name";
            String name = volumes.get(i).path("name").asText("");
            if (name.isEmpty()) {
                errs.required(p, null);
            } else if (!names.add(name)) {
                errs.duplicate(p, name);
            } else {
                errs.invalidEach(p, name, NameRules.dns1123Label(name));
            }
        }
        return names;
    }

    private static void containers(JsonNode list, String path, Set<String> names, Set<String> volumes, FieldErrors errs) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            String p = path + "[" + i + "]";
            String name = c.path("name").asText("");
            if (name.isEmpty()) {
                errs.required(p + ".name", null);
            } else if (!names.add(name)) {
                errs.duplicate(p + ".name", name);
            } else {
                errs.invalidEach(p + ".name", name, NameRules.dns1123Label(name));
            }
            if (c.path("image").asText("").isBlank()) {
                errs.required(p + ".image", null);
            }
            String pull = c.path("imagePullPolicy").asText("");
            if (pull.isEmpty()) {
                errs.required(p + ".imagePullPolicy", null);
            } else if (!PULL_POLICIES.contains(pull)) {
                errs.notSupported(p + ".imagePullPolicy", pull, PULL_POLICIES);
            }
            ports(c.path("ports"), p + ".ports", errs);
            JsonNode env = c.path("env");
            for (int j = 0; j < env.size(); j++) {
                if (env.get(j).path("name").asText("").isEmpty()) {
                    errs.required(p + ".env[" + j + "].name", null);
                }
            }
            JsonNode mounts = c.path("volumeMounts");
            for (int j = 0; j < mounts.size(); j++) {
                String m = p + ".volumeMounts[" + j + "]";
                String vol = mounts.get(j).path("name").asText("");
                if (vol.isEmpty()) {
                    errs.required(m + ".name", null);
                } else if (!volumes.contains(vol)) {
                    errs.notFound(m + ".name", vol);
                }
                if (mounts.get(j).path("mountPath").asText("").isEmpty()) {
                    errs.required(m + ".mountPath", null);
                }
            }
        }
    }

    private static void ports(JsonNode ports, String path, FieldErrors errs) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode port = ports.get(i);
            String p = path + "[" + i + "]";
            long container = port.path("containerPort").asLong(0);
            if (container == 0) {
                errs.required(p + ".containerPort", null);
            } else {
                errs.invalidEach(p + ".containerPort", container, NameRules.portNumber(container));
            }
            long host = port.path("hostPort").asLong(0);
            if (host != 0) {
                errs.invalidEach(p + ".hostPort", host, NameRules.portNumber(host));
            }
            String name = port.path("name").asText("");
            if (!name.isEmpty()) {
                errs.invalidEach(p + ".name", name, NameRules.portName(name));
                if (!names.add(name)) {
                    errs.duplicate(p + ".name", name);
                }
            }
            String protocol = port.path("protocol").asText("");
            if (protocol.isEmpty()) {
                errs.required(p + ".protocol", null);
            } else if (!PROTOCOLS.contains(protocol)) {
                errs.notSupported(p + ".protocol", protocol, PROTOCOLS);
            }
        }
    }

    static List<String> protocols() {
        return PROTOCOLS;
    }
}
