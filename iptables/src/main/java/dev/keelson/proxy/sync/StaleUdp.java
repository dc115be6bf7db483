package dev.keelson.proxy.sync;

import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Frontend;
import dev.keelson.proxy.compile.ServicePortRules;
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

    /** The stale-entry matchers for going from {@code before} (null: nothing applied) to {@code after}. */
    static List<StaleUdp> between(CompiledState before, CompiledState after) {
        List<StaleUdp> out = new ArrayList<>();
        if (before == null) {
            return out;
        }
        before.ports().forEach((key, old) -> {
            if (old.protocol() != Protocol.UDP) {
                return;
            }
            ServicePortRules now = after.ports().get(key);
            Set<InetAddress> still = new HashSet<>();
            if (now != null) {
                now.endpoints().forEach(b -> still.add(b.address()));
            }
            for (Backend b : old.endpoints()) {
                if (!still.contains(b.address())) {
                    old.frontends().forEach(fe -> out.add(new StaleUdp(address(fe), fe.port(), b.address())));
                }
            }
        });
        after.ports().forEach((key, now) -> {
            ServicePortRules old = before.ports().get(key);
            if (now.protocol() == Protocol.UDP && !now.endpoints().isEmpty() && old != null && old.endpoints().isEmpty()) {
                now.frontends().forEach(fe -> out.add(new StaleUdp(address(fe), fe.port(), null)));
            }
        });
        return out;
    }

    private static InetAddress address(Frontend fe) {
        return fe.kind() == Frontend.Kind.NODE_PORT ? null : fe.address();
    }
}
