package dev.keelson.cli.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.Disposition;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.Frontend;
import dev.keelson.proxy.compile.ServicePortRules;
import dev.keelson.proxy.model.Backend;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.proxy.model.TrafficPolicy;
import java.util.List;
import java.util.stream.Collectors;

/** {@code keelson proxy show}: the applied services, their frontends and endpoints, and the sync history. */
public final class ServiceReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProxyState state;
    private final Snapshot snapshot;
    private final CompiledState compiled;

    /** A report of {@code state} (its manifests are parsed and compiled again, as the apply did). */
    public ServiceReport(ProxyState state) {
        this.state = state;
        this.snapshot = state.sources().parse();
        this.compiled = Compiler.compile(snapshot, state.node());
    }

    /** The human-readable report. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        ProxyState.History h = state.history();
        sb.append("backend ").append(state.backend().option()).append(", node ").append(state.node().nodeName());
        if (!state.node().nodeIPs().isEmpty()) {
            sb.append(" (").append(state.node().nodeIPs().stream().map(InetAddresses::format)
                    .collect(Collectors.joining(", "))).append(')');
        }
        sb.append('\n');
        if (!state.node().clusterCidrs().isEmpty() || !state.node().serviceCidrs().isEmpty()) {
            sb.append("cluster CIDRs ").append(join(state.node().clusterCidrs())).append(", service CIDRs ")
                    .append(join(state.node().serviceCidrs())).append('\n');
        }
        sb.append(String.format("last sync %s: %s, %d lines, %.1f ms (kernel apply %.1f ms)%n",
                h.lastSync() == null ? "never" : h.lastSync(), h.lastKind(), h.lastLines(), h.lastSyncMillis(),
                h.lastApplyMillis()));
        sb.append(String.format("syncs %d (%d full), errors %d, UDP conntrack entries deleted %d%n",
                h.syncs(), h.fullSyncs(), h.errors(), h.conntrackDeleted()));
        if (h.lastError() != null) {
            sb.append("last error: ").append(h.lastError()).append('\n');
        }
        if (state.needsFullSync()) {
            sb.append("the next apply is a full sync (the last one failed; the rules below are still in place)\n");
        }
        int eps = compiled.ports().values().stream().mapToInt(r -> r.endpoints().size()).sum();
        sb.append(String.format("%d services, %d service ports, %d endpoints%n", snapshot.services().size(),
                compiled.ports().size(), eps));
        for (ServicePortRules r : compiled.ports().values()) {
            sb.append('\n').append(r.name()).append(' ').append(r.protocol()).append(' ')
                    .append(r.family() == Family.V4 ? "IPv4" : "IPv6");
            if (r.affinitySeconds() > 0) {
                sb.append(", ClientIP affinity ").append(r.affinitySeconds()).append(" s");
            }
            sb.append('\n');
            for (Frontend f : r.frontends()) {
                sb.append("  ").append(frontend(f)).append(" → ").append(fate(r, f)).append('\n');
            }
            if (!r.sourceRanges().isEmpty()) {
                sb.append("  load-balancer source ranges: ").append(join(r.sourceRanges())).append('\n');
            }
            sb.append("  endpoints: ").append(endpoints(r.internalEndpoints())).append('\n');
        }
        return sb.toString();
    }

    /** {@code cluster IP 10.96.0.10:80}, {@code cluster IP [fd00::10]:80}, {@code nodePort *:30080}. */
    private static String frontend(Frontend f) {
        String a = f.address() == null ? "*" : InetAddresses.format(f.address());
        return f.kind().label() + " " + (a.contains(":") ? "[" + a + "]" : a) + ":" + f.port();
    }

    private static String fate(ServicePortRules r, Frontend f) {
        Disposition d = r.disposition(f);
        if (d == Disposition.REJECT) {
            return "reject (no endpoints)";
        }
        if (d == Disposition.DROP) {
            return "drop (no endpoint on this node)";
        }
        if (f.external() && r.externalPolicy() == TrafficPolicy.Local) {
            return "local endpoints " + endpoints(r.localEndpoints()) + " (client address kept)";
        }
        return (f.external() ? "endpoints, masqueraded" : "endpoints");
    }

    private static String endpoints(List<Backend> eps) {
        if (eps.isEmpty()) {
            return "(none)";
        }
        return eps.stream().map(b -> b.local() ? b + " (local)" : b.toString()).collect(Collectors.joining(", "));
    }

    private static String join(List<?> items) {
        return items.isEmpty() ? "(none)" : items.stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    /** The report as JSON; {@code rules} (the kernel's listing) is included when not null. */
    public ObjectNode json(String rules) {
        ObjectNode o = JSON.createObjectNode();
        o.put("backend", state.backend().option());
        o.set("node", StateStore.node(state.node()));
        o.put("needsFullSync", state.needsFullSync());
        ObjectNode m = (ObjectNode) StateStore.encode(state).get("history");
        o.set("lastSync", m);
        ArrayNode units = o.putArray("servicePorts");
        for (ServicePortRules r : compiled.ports().values()) {
            ObjectNode u = units.addObject();
            u.put("service", r.name().service().toString()).put("port", r.name().port())
                    .put("protocol", r.protocol().name()).put("family", r.family() == Family.V4 ? "IPv4" : "IPv6");
            ArrayNode fs = u.putArray("frontends");
            for (Frontend f : r.frontends()) {
                ObjectNode fo = fs.addObject().put("kind", f.kind().name());
                fo.put("address", f.address() == null ? null : InetAddresses.format(f.address())).put("port", f.port());
                fo.put("disposition", r.disposition(f).name());
            }
            u.put("internal", r.internal().name()).put("external", r.external().name())
                    .put("externalTrafficPolicy", r.externalPolicy().name()).put("affinitySeconds", r.affinitySeconds());
            r.internalEndpoints().forEach(b -> u.withArray("endpoints").add(b.toString()));
            r.localEndpoints().forEach(b -> u.withArray("localEndpoints").add(b.toString()));
            r.sourceRanges().forEach(p -> u.withArray("sourceRanges").add(p.toString()));
        }
        if (rules != null) {
            o.put("rules", rules);
        }
        return o;
    }

    /** Pretty-printed JSON. */
    public static String pretty(ObjectNode o) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
