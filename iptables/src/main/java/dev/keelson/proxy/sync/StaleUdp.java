package dev.keelson.proxy.sync;

import dev.keelson.proxy.compile.Frontend;
import dev.keelson.proxy.compile.ServicePortRules;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.conntrack.Conntrack;
import dev.keelson.proxy.conntrack.Flow;
import dev.keelson.proxy.model.Backend;
import dev.keelson.proxy.model.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which UDP conntrack entries a change makes stale, as kube-proxy decides it:
 * <ul>
 *   <li>an endpoint left a service port: entries to any of its frontends (a ClusterIP, external
 *       or LB IP and port, or the NodePort on any address) answered by that endpoint;</li>
 *   <li>a service port that had no endpoints got some: every entry to its frontends, which were
 *       recorded while the traffic was being rejected.</li>
 * </ul>
 *
 * @param frontend the service address ({@code null}: a NodePort, any local address)
 * @param port     the frontend port
 * @param endpoint the endpoint that went away, or null for "all entries to this frontend"
 */
record StaleUdp(InetAddress frontend, int port, InetAddress endpoint) implements Predicate<Flow> {

    @Override
    public boolean test(Flow f) {
        return f.protocol() == Conntrack.UDP && f.origDstPort() == port
                && (frontend == null || frontend.equals(f.origDst()))
                && (endpoint == null || endpoint.equals(f.replySrc()));
    }

    /** The stale-entry matchers for the change {@code d}; only the units it names are looked at. */
    static List<StaleUdp> of(StateDiff d) {
        List<StaleUdp> out = new ArrayList<>();
        for (ServicePortRules old : d.removed()) {
            if (old.protocol() == Protocol.UDP) {
                left(old, Set.of(), out);
            }
        }
        for (StateDiff.Change c : d.changed()) {
            ServicePortRules old = c.before();
            ServicePortRules now = c.after();
            if (old.protocol() != Protocol.UDP) {
                continue;
            }
            Set<InetAddress> still = new HashSet<>();
            now.endpoints().forEach(b -> still.add(b.address()));
            left(old, still, out);
            if (now.protocol() == Protocol.UDP && !now.endpoints().isEmpty() && old.endpoints().isEmpty()) {
                now.frontends().forEach(fe -> out.add(new StaleUdp(address(fe), fe.port(), null)));
            }
        }
        return out;
    }

    /** Entries answered by an endpoint of {@code old} that is not in {@code still}. */
    private static void left(ServicePortRules old, Set<InetAddress> still, List<StaleUdp> out) {
        for (Backend b : old.endpoints()) {
            if (!still.contains(b.address())) {
                old.frontends().forEach(fe -> out.add(new StaleUdp(address(fe), fe.port(), b.address())));
            }
        }
    }

    private static InetAddress address(Frontend fe) {
        return fe.kind() == Frontend.Kind.NODE_PORT ? null : fe.address();
    }
}
