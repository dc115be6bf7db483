package dev.keelson.proxy.compile;

import dev.keelson.proxy.model.Backend;
import dev.keelson.proxy.model.EndpointSlice;
import dev.keelson.proxy.model.EndpointSelector;
import dev.keelson.proxy.model.EndpointSelector.Candidate;
import dev.keelson.proxy.model.Service;
import dev.keelson.proxy.model.ServicePort;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.proxy.model.TrafficPolicy;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/** The pure function from a snapshot and a node configuration to the rules to program. */
public final class Compiler {
    private static final Comparator<Frontend> FRONTEND_ORDER = Comparator.comparing(Frontend::toString);

    private Compiler() {
    }

    /** Compiles every service port of {@code snapshot} in every family it has a ClusterIP in. */
    public static CompiledState compile(Snapshot snapshot, NodeConfig node) {
        TreeMap<String, ServicePortRules> ports = new TreeMap<>();
        TreeSet<String> clusterIPs = new TreeSet<>();
        TreeSet<String> hairpin = new TreeSet<>();
        TreeSet<String> affinity = new TreeSet<>();
        for (Service s : snapshot.services().values()) {
            s.clusterIPs().forEach(cip -> clusterIPs.add(CompiledState.addressKey(cip)));
            for (ServicePortRules r : units(s, snapshot.slicesOf(s.ref()), node)) {
                ports.put(r.key(), r);
                r.endpoints().forEach(b -> hairpin.add(CompiledState.addressKey(b)));
                if (r.affinitySeconds() > 0) {
                    affinity.add(affinityKey(r));
                }
            }
        }
        return new CompiledState(node, ports, clusterIPs, hairpin, affinity);
    }

    /**
     * The units of one Service given the slices that serve it, in the order {@link #compile} puts
     * them (a later unit with the same key replaces an earlier one). Depends on nothing else, which
     * is what lets {@link IncrementalCompiler} recompile only the Services that changed.
     */
    public static List<ServicePortRules> units(Service s, List<EndpointSlice> slices, NodeConfig node) {
        List<ServicePortRules> out = new ArrayList<>();
        for (InetAddress cip : s.clusterIPs()) {
            Family f = Family.of(cip);
            for (ServicePort p : s.ports()) {
                out.add(unit(s, p, f, cip, slices, node));
            }
        }
        return out;
    }

    /** The key of a unit's affinity timeout in {@link CompiledState#affinityTimes()}. */
    static String affinityKey(ServicePortRules r) {
        return r.family() + "/" + r.affinitySeconds();
    }

    private static ServicePortRules unit(Service s, ServicePort p, Family f, InetAddress cip, List<EndpointSlice> slices,
                                         NodeConfig node) {
        ServicePortName name = new ServicePortName(s.ref(), p.name(), p.protocol());
        List<Frontend> fronts = new ArrayList<>();
        fronts.add(new Frontend(Frontend.Kind.CLUSTER_IP, cip, p.port()));
        s.externalIPs().stream().filter(a -> Family.of(a) == f)
                .forEach(a -> fronts.add(new Frontend(Frontend.Kind.EXTERNAL_IP, a, p.port())));
        if (s.type() == dev.keelson.proxy.model.ServiceType.LoadBalancer) {
            s.loadBalancerIPs().stream().filter(a -> Family.of(a) == f)
                    .forEach(a -> fronts.add(new Frontend(Frontend.Kind.LOAD_BALANCER, a, p.port())));
        }
        if (p.nodePort() != 0 && s.type() != dev.keelson.proxy.model.ServiceType.ClusterIP) {
            fronts.add(new Frontend(Frontend.Kind.NODE_PORT, null, p.nodePort()));
        }
        fronts.sort(FRONTEND_ORDER);

        List<Candidate> all = EndpointSelector.candidates(slices, p, f.addressType(), node.nodeName());
        List<Backend> usable = EndpointSelector.usable(all, b -> true);
        List<Backend> local = EndpointSelector.usable(all, Backend::local);
        boolean internalLocal = s.internalTrafficPolicy() == TrafficPolicy.Local;
        List<Backend> internalEps = internalLocal ? local : usable;
        Disposition internal = usable.isEmpty() ? Disposition.REJECT
                : internalEps.isEmpty() ? Disposition.DROP : Disposition.FORWARD;
        boolean externalLocal = s.externalTrafficPolicy() == TrafficPolicy.Local;
        Disposition external = usable.isEmpty() ? Disposition.REJECT
                : externalLocal && local.isEmpty() ? Disposition.DROP : Disposition.FORWARD;
        // Hairpin: any endpoint this node may forward to can be a client of its own service.
        TreeSet<Backend> reachable = new TreeSet<>(internalEps);
        if (!fronts.stream().filter(Frontend::external).toList().isEmpty()) {
            reachable.addAll(externalLocal ? local : usable);
        }
        return new ServicePortRules(name, f, fronts, internal, internalEps, external, s.externalTrafficPolicy(),
                local, s.loadBalancerSourceRanges().stream().filter(r -> Family.of(r.address()) == f).toList(),
                s.affinity().timeoutSeconds(), List.copyOf(reachable));
    }
}
