package dev.keelson.proxy.compile;

import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.model.Backend;
import dev.keelson.proxy.model.Protocol;
import dev.keelson.proxy.model.TrafficPolicy;
import java.util.List;

/**
 * The compiled rules of one service port in one family: the unit a sync adds, replaces or removes.
 * Both renderers translate it one to one (nft: a {@code svc-} chain, an optional {@code ext-} and
 * {@code fw-} chain, and map elements; iptables: kube-proxy's SVC/SVL/EXT/FW/SEP chains), and the
 * tracer walks it.
 *
 * @param name              the service port
 * @param family            IPv4 or IPv6
 * @param frontends         where it is reached, sorted
 * @param internal          fate of ClusterIP traffic
 * @param internalEndpoints endpoints for ClusterIP traffic (already narrowed by internalTrafficPolicy)
 * @param external          fate of external traffic (externalIPs, LB IPs, NodePorts)
 * @param externalPolicy    externalTrafficPolicy
 * @param localEndpoints    endpoints on this node (used for external traffic with a Local policy)
 * @param sourceRanges      loadBalancerSourceRanges of this family (empty: anyone)
 * @param affinitySeconds   ClientIP affinity timeout, 0 without affinity
 * @param endpoints         every usable endpoint cluster-wide, for hairpin masquerade
 */
public record ServicePortRules(ServicePortName name, Family family, List<Frontend> frontends,
                               Disposition internal, List<Backend> internalEndpoints,
                               Disposition external, TrafficPolicy externalPolicy, List<Backend> localEndpoints,
                               List<IpPrefix> sourceRanges, int affinitySeconds, List<Backend> endpoints) {

    public ServicePortRules {
        frontends = List.copyOf(frontends);
        internalEndpoints = List.copyOf(internalEndpoints);
        localEndpoints = List.copyOf(localEndpoints);
        sourceRanges = List.copyOf(sourceRanges);
        endpoints = List.copyOf(endpoints);
    }

    /** The protocol of every frontend. */
    public Protocol protocol() {
        return name.protocol();
    }

    /** The key of this unit in a {@link CompiledState}: {@code ns/name:port/TCP/V4}. */
    public String key() {
        return name + "/" + name.protocol() + "/" + family;
    }

    /** Whether any frontend carries external traffic. */
    public boolean hasExternal() {
        return frontends.stream().anyMatch(Frontend::external);
    }

    /** The frontends of one kind. */
    public List<Frontend> frontends(Frontend.Kind kind) {
        return frontends.stream().filter(f -> f.kind() == kind).toList();
    }

    /** The disposition of traffic arriving through {@code f}. */
    public Disposition disposition(Frontend f) {
        return f.external() ? external : internal;
    }

    /** Whether load-balancer traffic passes a source-range check first. */
    public boolean firewalled() {
        return !sourceRanges.isEmpty() && !frontends(Frontend.Kind.LOAD_BALANCER).isEmpty();
    }
}
