package dev.keelson.proxy.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.netns.addr.IpPrefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads a {@code kind: Service} document with the API server's validation rules that matter to a proxy. */
final class ServiceParser {
    private ServiceParser() {
    }

    /** The Service, or null for an ExternalName Service (DNS only: nothing to proxy). */
    static Service parse(JsonNode doc) {
        JsonNode meta = doc.path("metadata");
        String ns = new Fields("Service").text(meta.get("namespace"), "metadata.namespace", "default");
        String name = new Fields("Service " + ns + "/?").required(meta.get("name"), "metadata.name");
        ServiceRef ref = new ServiceRef(ns, name);
        Fields f = new Fields("Service " + ref);
        JsonNode spec = doc.path("spec");
        if ("ExternalName".equals(f.text(spec.get("type"), "spec.type", ""))) {
            return null;
        }
        ServiceType type = f.choice(spec.get("type"), "spec.type", ServiceType.class, ServiceType.ClusterIP);
        List<InetAddress> clusterIPs = clusterIPs(f, spec);
        List<ServicePort> ports = ports(f, spec.get("ports"), type);
        List<InetAddress> externalIPs = f.ips(spec.get("externalIPs"), "spec.externalIPs");
        List<InetAddress> lbIPs = new ArrayList<>();
        List<JsonNode> ingress = f.array(doc.path("status").path("loadBalancer").get("ingress"),
                "status.loadBalancer.ingress");
        for (int i = 0; i < ingress.size(); i++) {
            if (ingress.get(i).hasNonNull("ip")) {
                lbIPs.add(f.ip(ingress.get(i).get("ip"), "status.loadBalancer.ingress[" + i + "].ip"));
            }
        }
        List<IpPrefix> ranges = new ArrayList<>();
        List<JsonNode> r = f.array(spec.get("loadBalancerSourceRanges"), "spec.loadBalancerSourceRanges");
        for (int i = 0; i < r.size(); i++) {
            ranges.add(f.cidr(r.get(i), "spec.loadBalancerSourceRanges[" + i + "]"));
        }
        return new Service(ref, type, clusterIPs, ports, externalIPs, lbIPs, ranges, affinity(f, spec),
                f.choice(spec.get("internalTrafficPolicy"), "spec.internalTrafficPolicy", TrafficPolicy.class,
                        TrafficPolicy.Cluster),
                f.choice(spec.get("externalTrafficPolicy"), "spec.externalTrafficPolicy", TrafficPolicy.class,
                        TrafficPolicy.Cluster));
    }

    private static List<InetAddress> clusterIPs(Fields f, JsonNode spec) {
        String field = spec.has("clusterIPs") ? "spec.clusterIPs" : "spec.clusterIP";
        List<JsonNode> raw = spec.has("clusterIPs") ? f.array(spec.get("clusterIPs"), field)
                : spec.hasNonNull("clusterIP") ? List.of(spec.get("clusterIP")) : List.of();
        List<InetAddress> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String fi = spec.has("clusterIPs") ? field + "[" + i + "]" : field;
            String s = f.text(raw.get(i), fi, "");
            if (s.isEmpty() || s.equals("None")) {
                continue; // headless: DNS only
            }
            InetAddress a = f.ip(raw.get(i), fi);
            if (!out.isEmpty() && AddressType.of(out.getFirst()) == AddressType.of(a)) {
                throw f.error(fi, "may have at most one IP per family");
            }
            out.add(a);
        }
        return out;
    }

    private static List<ServicePort> ports(Fields f, JsonNode node, ServiceType type) {
        List<JsonNode> raw = f.array(node, "spec.ports");
        List<ServicePort> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> portKeys = new HashSet<>();
        Set<String> nodeKeys = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String at = "spec.ports[" + i + "]";
            JsonNode p = raw.get(i);
            String name = f.text(p.get("name"), at + ".name", "");
            if (name.isEmpty() && raw.size() > 1) {
                throw f.error(at + ".name", "required when a Service has more than one port");
            }
            if (!names.add(name)) {
                throw f.error(at + ".name", "duplicate port name \"" + name + "\"");
            }
            Protocol proto = f.protocol(p.get("protocol"), at + ".protocol");
            int port = f.port(p.get("port"), at + ".port", false);
            if (!portKeys.add(port + "/" + proto)) {
                throw f.error(at, "duplicate port " + port + "/" + proto);
            }
            TargetPort target = targetPort(f, p.get("targetPort"), at + ".targetPort", port);
            int nodePort = f.port(p.get("nodePort"), at + ".nodePort", true);
            if (nodePort != 0 && type == ServiceType.ClusterIP) {
                throw f.error(at + ".nodePort", "may not be used when type is ClusterIP");
            }
            if (nodePort != 0 && !nodeKeys.add(nodePort + "/" + proto)) {
                throw f.error(at + ".nodePort", "duplicate node port " + nodePort + "/" + proto);
            }
            out.add(new ServicePort(name, proto, port, target, nodePort));
        }
        return out;
    }

    private static TargetPort targetPort(Fields f, JsonNode n, String field, int dflt) {
        if (n == null || n.isNull()) {
            return TargetPort.of(dflt);
        }
        if (n.isTextual() && !n.asText().chars().allMatch(Character::isDigit)) {
            String s = n.asText();
            // IANA_SVC_NAME: at most 15 lower-case letters, digits and '-', with a letter (Kubernetes validation).
            if (s.length() > 15 || !s.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?") || !s.matches(".*[a-z].*")) {
                throw f.error(field, "\"" + s + "\" is not a valid port name");
            }
            return TargetPort.named(s);
        }
        if (n.isTextual()) {
            try {
                int p = Integer.parseInt(n.asText());
                if (p >= 1 && p <= 65535) {
                    return TargetPort.of(p);
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
            throw f.error(field, n.asText() + " is not a valid port");
        }
        return TargetPort.of(f.port(n, field, false));
    }

    private static SessionAffinity affinity(Fields f, JsonNode spec) {
        String a = f.text(spec.get("sessionAffinity"), "spec.sessionAffinity", "None");
        if (a.equals("None")) {
            return SessionAffinity.NONE;
        }
        if (!a.equals("ClientIP")) {
            throw f.error("spec.sessionAffinity", "unsupported value \"" + a + "\" (None, ClientIP)");
        }
        String field = "spec.sessionAffinityConfig.clientIP.timeoutSeconds";
        JsonNode t = spec.path("sessionAffinityConfig").path("clientIP").get("timeoutSeconds");
        if (t == null || t.isNull()) {
            return new SessionAffinity(SessionAffinity.DEFAULT_TIMEOUT);
        }
        if (!t.isIntegralNumber() || t.asLong() < 1 || t.asLong() > 86400) {
            throw f.error(field, t.asText() + " must be between 1 and 86400");
        }
        return new SessionAffinity(t.intValue());
    }
}
