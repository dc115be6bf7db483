package dev.keelson.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.cri.api.v1.DNSConfig;
import dev.keelson.cri.api.v1.LinuxPodSandboxConfig;
import dev.keelson.cri.api.v1.LinuxSandboxSecurityContext;
import dev.keelson.cri.api.v1.NamespaceMode;
import dev.keelson.cri.api.v1.NamespaceOption;
import dev.keelson.cri.api.v1.Int64Value;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.api.v1.PodSandboxMetadata;
import dev.keelson.cri.api.v1.PortMapping;
import dev.keelson.cri.api.v1.Protocol;
import dev.keelson.node.NodeAgentConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The {@code PodSandboxConfig} the kubelet derives from a pod: metadata (attempt counts the pod's
 * sandboxes), hostname, log directory, DNS from {@code dnsPolicy}/{@code dnsConfig}, host port
 * mappings, the pod's labels plus the kubelet's identity labels, its annotations, and Linux
 * namespace and security options. Pure: the tests check it field by field.
 */
public final class SandboxConfigs {
    private static final int MAX_DNS_SEARCHES = 32;

    private SandboxConfigs() {}

    /** The pod's log directory: {@code <podLogDir>/<namespace>_<name>_<uid>}. */
    public static Path logDirectory(NodeAgentConfig config, JsonNode pod) {
        JsonNode m = pod.path("metadata");
        return config.podLogDir().resolve(m.path("namespace").asText() + "_" + m.path("name").asText() + "_"
                + m.path("uid").asText());
    }

    /**
     * @param hostResolv the node's resolv.conf (servers, searches, options) for {@code Default} and
     *                   for {@code ClusterFirst} without cluster DNS
     */
    public static PodSandboxConfig of(NodeAgentConfig config, JsonNode pod, int attempt, DNSConfig hostResolv) {
        JsonNode meta = pod.path("metadata");
        JsonNode spec = pod.path("spec");
        String name = meta.path("name").asText();
        String namespace = meta.path("namespace").asText();
        String uid = meta.path("uid").asText();
        PodSandboxConfig.Builder b = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace(namespace).setUid(uid).setAttempt(attempt))
                .setHostname(hostname(spec, name, config))
                .setLogDirectory(logDirectory(config, pod).toString())
                .setDnsConfig(dns(config, spec, namespace, hostResolv));
        meta.path("labels").properties().forEach(e -> b.putLabels(e.getKey(), e.getValue().asText()));
        b.putLabels(CriLabels.POD_NAME, name).putLabels(CriLabels.POD_NAMESPACE, namespace).putLabels(CriLabels.POD_UID, uid);
        meta.path("annotations").properties().forEach(e -> b.putAnnotations(e.getKey(), e.getValue().asText()));
        b.putAnnotations(CriLabels.CONFIG_SOURCE, "api");
        for (JsonNode c : spec.path("containers")) {
            for (JsonNode p : c.path("ports")) {
                // containerd skips mappings without a host port anyway; a runtime never needs them
                if (p.path("hostPort").asInt(0) > 0) {
                    b.addPortMappings(PortMapping.newBuilder().setContainerPort(p.path("containerPort").asInt())
                            .setHostPort(p.path("hostPort").asInt()).setHostIp(p.path("hostIP").asText(""))
                            .setProtocol(protocol(p.path("protocol").asText("TCP"))));
                }
            }
        }
        b.setLinux(linux(spec));
        return b.build();
    }

    private static String hostname(JsonNode spec, String podName, NodeAgentConfig config) {
        if (spec.path("hostNetwork").asBoolean(false)) {
            return config.nodeName();
        }
        String h = spec.path("hostname").asText("");
        // the kubelet truncates to 63 characters and trims trailing '-' or '.'
        String n = h.isEmpty() ? podName : h;
        if (n.length() > 63) {
            n = n.substring(0, 63).replaceAll("[-.]+$", "");
        }
        return n;
    }

    static DNSConfig dns(NodeAgentConfig config, JsonNode spec, String namespace, DNSConfig hostResolv) {
        String policy = spec.path("dnsPolicy").asText("ClusterFirst");
        boolean hostNet = spec.path("hostNetwork").asBoolean(false);
        DNSConfig.Builder b = DNSConfig.newBuilder();
        boolean cluster = !config.clusterDns().isEmpty()
                && (policy.equals("ClusterFirstWithHostNet") || (policy.equals("ClusterFirst") && !hostNet));
        if (policy.equals("None")) {
            // only what dnsConfig says
        } else if (cluster) {
            String d = config.clusterDomain();
            b.addAllServers(config.clusterDns())
                    .addAllSearches(List.of(namespace + ".svc." + d, "svc." + d, d))
                    .addAllSearches(hostResolv.getSearchesList())
                    .addOptions("ndots:5");
        } else {
            // Default, or ClusterFirst without a cluster DNS (the kubelet falls back the same way)
            b.mergeFrom(hostResolv);
        }
        JsonNode extra = spec.path("dnsConfig");
        for (JsonNode s : extra.path("nameservers")) {
            b.addServers(s.asText());
        }
        LinkedHashSet<String> searches = new LinkedHashSet<>(b.getSearchesList());
        for (JsonNode s : extra.path("searches")) {
            searches.add(s.asText());
        }
        List<String> options = new ArrayList<>(b.getOptionsList());
        for (JsonNode o : extra.path("options")) {
            String opt = o.path("name").asText() + (o.hasNonNull("value") ? ":" + o.path("value").asText() : "");
            options.removeIf(x -> x.split(":")[0].equals(o.path("name").asText()));
            options.add(opt);
        }
        return b.clearSearches().addAllSearches(searches.stream().limit(MAX_DNS_SEARCHES).toList())
                .clearOptions().addAllOptions(options).build();
    }

    private static LinuxPodSandboxConfig linux(JsonNode spec) {
        JsonNode sc = spec.path("securityContext");
        NamespaceOption ns = NamespaceOption.newBuilder()
                .setNetwork(spec.path("hostNetwork").asBoolean(false) ? NamespaceMode.NODE : NamespaceMode.POD)
                .setPid(spec.path("hostPID").asBoolean(false) ? NamespaceMode.NODE
                        : spec.path("shareProcessNamespace").asBoolean(false) ? NamespaceMode.POD : NamespaceMode.CONTAINER)
                .setIpc(spec.path("hostIPC").asBoolean(false) ? NamespaceMode.NODE : NamespaceMode.POD)
                .build();
        LinuxSandboxSecurityContext.Builder sec = LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(ns);
        if (sc.hasNonNull("runAsUser")) {
            sec.setRunAsUser(Int64Value.newBuilder().setValue(sc.path("runAsUser").asLong()));
        }
        if (sc.hasNonNull("runAsGroup")) {
            sec.setRunAsGroup(Int64Value.newBuilder().setValue(sc.path("runAsGroup").asLong()));
        }
        for (JsonNode g : sc.path("supplementalGroups")) {
            sec.addSupplementalGroups(g.asLong());
        }
        if (sc.hasNonNull("fsGroup")) {
            sec.addSupplementalGroups(sc.path("fsGroup").asLong());
        }
        LinuxPodSandboxConfig.Builder l = LinuxPodSandboxConfig.newBuilder().setSecurityContext(sec);
        for (JsonNode s : sc.path("sysctls")) {
            l.putSysctls(s.path("name").asText(), s.path("value").asText());
        }
        return l.build();
    }

    /** The node's resolv.conf as a DNSConfig (what {@code dnsPolicy: Default} gives a pod). */
    public static DNSConfig hostResolv(Path resolvConf) {
        DNSConfig.Builder b = DNSConfig.newBuilder();
        List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(resolvConf);
        } catch (java.io.IOException e) {
            return b.build();
        }
        for (String line : lines) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 2 || f[0].startsWith("#")) {
                continue;
            }
            switch (f[0]) {
                case "nameserver" -> b.addServers(f[1]);
                case "search", "domain" -> b.clearSearches().addAllSearches(List.of(f).subList(1, f.length));
                case "options" -> b.addAllOptions(List.of(f).subList(1, f.length));
                default -> { }
            }
        }
        return b.build();
    }

    static Protocol protocol(String p) {
        return switch (p) {
            case "UDP" -> Protocol.UDP;
            case "SCTP" -> Protocol.SCTP;
            default -> Protocol.TCP;
        };
    }
}
