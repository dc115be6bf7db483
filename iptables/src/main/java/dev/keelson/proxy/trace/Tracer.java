package dev.keelson.proxy.trace;

import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Disposition;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.Frontend;
import dev.keelson.proxy.compile.Names;
import dev.keelson.proxy.compile.ServicePortRules;
import dev.keelson.proxy.model.Backend;
import dev.keelson.proxy.model.TrafficPolicy;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a packet through the rule forms the compiler emits, in the order the nft layout
 * evaluates them: nat {@code services} (ClusterIP masquerade mark, service-ips map, then node ports
 * for local addresses), the per-service {@code fw-}/{@code ext-}/{@code svc-} chains, then the filter
 * {@code service-checks} (no-endpoint reject/drop, unallocated ClusterIPs), then postrouting
 * masquerade. The iptables layout makes the same decisions with kube-proxy's chains.
 */
public final class Tracer {
    private final CompiledState state;

    public Tracer(CompiledState state) {
        this.state = state;
    }

    /** Traces {@code p}. */
    public Trace trace(Packet p) {
        List<String> path = new ArrayList<>();
        Family f = Family.of(p.destination());
        boolean mark = false;
        boolean isClusterIP = state.clusterIPs().contains(CompiledState.addressKey(p.destination()));
        path.add("services");
        if (isClusterIP && (state.node().masqueradeAll() || !inAny(p.source(), state.node().clusterCidrs(f)))) {
            path.add("mark-for-masquerade");
            mark = true;
        }
        boolean local = state.node().nodeIPs().contains(p.destination());
        for (ServicePortRules r : state.ports().values()) {
            if (r.family() != f || r.protocol() != p.protocol()) {
                continue;
            }
            for (Frontend fe : r.frontends()) {
                boolean hit = fe.port() == p.port() && (fe.kind() == Frontend.Kind.NODE_PORT ? local && !isClusterIP
                        : fe.address().equals(p.destination()));
                if (hit) {
                    return through(r, fe, p, path, mark);
                }
            }
        }
        path.add("service-checks");
        for (IpPrefix cidr : state.node().serviceCidrs(f)) {
            if (inAny(p.destination(), List.of(cidr)) && !isClusterIP) {
                return new Trace(path, Trace.Verdict.DROP, List.of(), false, false);
            }
        }
        return new Trace(path, Trace.Verdict.ACCEPT, List.of(), false, false);
    }

    private Trace through(ServicePortRules r, Frontend fe, Packet p, List<String> path, boolean mark) {
        Family f = r.family();
        Disposition d = r.disposition(fe);
        if (d != Disposition.FORWARD) {
            path.add("service-checks");
            path.add(d == Disposition.REJECT ? "reject-service" : "drop");
            return new Trace(path, d == Disposition.REJECT ? Trace.Verdict.REJECT : Trace.Verdict.DROP, List.of(), false, false);
        }
        if (r.affinitySeconds() > 0 && fe.kind() == Frontend.Kind.NODE_PORT) {
            path.add("affinity-nodeports"); // notes the node address, so affinity-record records this client
        }
        List<Backend> eps;
        if (!fe.external()) {
            path.add(Names.nft("svc", r.name(), f));
            eps = r.internalEndpoints();
        } else {
            if (fe.kind() == Frontend.Kind.LOAD_BALANCER && r.firewalled()) {
                path.add(Names.nft("fw", r.name(), f));
                if (!inAny(p.source(), r.sourceRanges())) {
                    path.add("drop"); // nft: the fw- chain's last rule; iptables: KUBE-EXTERNAL-SERVICES in filter
                    return new Trace(path, Trace.Verdict.DROP, List.of(), false, false);
                }
            }
            path.add(Names.nft("ext", r.name(), f));
            boolean hasSvc = r.internal() == Disposition.FORWARD;
            if (r.externalPolicy() == TrafficPolicy.Cluster) {
                mark = true;
                eps = r.endpoints();
            } else if (hasSvc && inAny(p.source(), state.node().clusterCidrs(f))) {
                path.add(Names.nft("svc", r.name(), f));
                eps = r.internalEndpoints();
            } else if (hasSvc && p.fromNode()) {
                mark = true;
                path.add(Names.nft("svc", r.name(), f));
                eps = r.internalEndpoints();
            } else {
                eps = r.localEndpoints();
            }
        }
        if (r.affinitySeconds() > 0) {
            path.add("affinity-record");
        }
        boolean hairpin = eps.stream().anyMatch(b -> b.address().equals(p.source()));
        return new Trace(path, Trace.Verdict.DNAT, eps, mark, hairpin);
    }

    private static boolean inAny(InetAddress a, List<IpPrefix> prefixes) {
        for (IpPrefix p : prefixes) {
            if (p.family() == IpPrefix.of(a, 0).family() && IpPrefix.of(a, p.length()).network().equals(p.network())) {
                return true;
            }
        }
        return false;
    }
}
