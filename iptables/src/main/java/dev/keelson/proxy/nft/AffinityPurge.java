package dev.keelson.proxy.nft;

import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.Frontend;
import dev.keelson.proxy.compile.ServicePortRules;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.model.Backend;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The entries of the ClientIP affinity maps ({@code affinity4/6}: client . frontend address .
 * port → endpoint . port, a node port under the node address it was reached at) that a change leaves stale. The first rule of {@code pick-endpoint} looks
 * every new connection up in these maps, so an entry naming an endpoint that left its service would
 * keep sending that client to it until the entry's timeout (three hours by default). Stale are:
 * <ul>
 *   <li>entries of a frontend that is gone, or whose service port lost affinity: all of them;</li>
 *   <li>entries of a kept frontend that name an endpoint the service port no longer has.</li>
 * </ul>
 * A node port's entries are keyed by the node address it was reached at, which the change does not
 * know: they are matched by family and port alone. An entry of an addressed frontend with the same
 * port number is then deleted too when it is stale by the same rule; its client only gets a fresh
 * choice on its next connection.
 */
public final class AffinityPurge {
    /** A frontend or endpoint: address and port. */
    private record Dest(InetAddress address, int port) {
    }

    /** A node port of one family. */
    private record NodePort(Family family, int port) {
    }

    /** Frontend → endpoints whose entries are stale; an empty set means every entry of the frontend. */
    private final Map<Dest, Set<Dest>> stale = new HashMap<>();
    /** The same for node ports, whatever address they were reached at. */
    private final Map<NodePort, Set<Dest>> staleNodePorts = new HashMap<>();
    private final EnumSet<Family> families = EnumSet.noneOf(Family.class);

    private AffinityPurge() {
    }

    /** What {@code d} makes stale. */
    public static AffinityPurge of(StateDiff d) {
        AffinityPurge p = new AffinityPurge();
        d.removed().forEach(r -> p.all(r, List.of()));
        for (StateDiff.Change c : d.changed()) {
            ServicePortRules before = c.before();
            ServicePortRules after = c.after();
            if (before.affinitySeconds() == 0) {
                continue;
            }
            if (after.affinitySeconds() == 0) {
                p.all(before, List.of());
                continue;
            }
            p.all(before, after.frontends());
            Set<Dest> gone = endpoints(before);
            gone.removeAll(endpoints(after));
            if (!gone.isEmpty()) {
                for (Frontend f : before.frontends()) {
                    if (after.frontends().contains(f)) {
                        p.add(before.family(), f, gone);
                    }
                }
            }
        }
        return p;
    }

    /** Every entry of {@code r}'s addressed frontends that are not in {@code kept}. */
    private void all(ServicePortRules r, List<Frontend> kept) {
        if (r.affinitySeconds() == 0) {
            return;
        }
        r.frontends().stream().filter(f -> !kept.contains(f)).forEach(f -> add(r.family(), f, Set.of()));
    }

    private void add(Family family, Frontend f, Set<Dest> endpoints) {
        families.add(family);
        Set<Dest> s = f.kind() == Frontend.Kind.NODE_PORT
                ? staleNodePorts.computeIfAbsent(new NodePort(family, f.port()), k -> new HashSet<>(endpoints))
                : stale.computeIfAbsent(new Dest(f.address(), f.port()), k -> new HashSet<>(endpoints));
        if (endpoints.isEmpty()) {
            s.clear();
        } else if (!s.isEmpty()) {
            s.addAll(endpoints);
        }
    }

    private static Set<Dest> endpoints(ServicePortRules r) {
        Set<Dest> out = new HashSet<>();
        Stream.of(r.endpoints(), r.internalEndpoints(), r.localEndpoints()).flatMap(List::stream)
                .forEach((Backend b) -> out.add(new Dest(b.address(), b.port())));
        return out;
    }

    /** The name of the affinity map of {@code f} in Keelson's table. */
    public static String map(Family f) {
        return NftTable.AFFINITY + f.suffix();
    }

    /** Whether nothing is stale. */
    public boolean isEmpty() {
        return stale.isEmpty() && staleNodePorts.isEmpty();
    }

    /** The families whose affinity map has stale entries. */
    public Set<Family> families() {
        return EnumSet.copyOf(families);
    }

    /**
     * Whether an element of the affinity map of {@code f}, in the kernel's form, is stale.
     *
     * <pre>
     *  key  client address | frontend address | frontend port (2 bytes, network order, padded to 4)
     *  data endpoint address | endpoint port (same)
     * </pre>
     */
    public boolean isStale(Family f, byte[] key, byte[] data) {
        int a = f == Family.V4 ? 4 : 16;
        Dest frontend = dest(key, a, a);
        if (frontend == null) {
            return false;
        }
        return isStale(stale.get(frontend), data, a) || isStale(staleNodePorts.get(new NodePort(f, frontend.port())), data, a);
    }

    private static boolean isStale(Set<Dest> endpoints, byte[] data, int a) {
        if (endpoints == null) {
            return false;
        }
        return endpoints.isEmpty() || data != null && endpoints.contains(dest(data, 0, a));
    }

    private static Dest dest(byte[] b, int at, int len) {
        if (b.length < at + len + 2) {
            return null;
        }
        try {
            InetAddress addr = InetAddress.getByAddress(Arrays.copyOfRange(b, at, at + len));
            return new Dest(addr, (b[at + len] & 0xff) << 8 | b[at + len + 1] & 0xff);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + len + " bytes", e);
        }
    }
}
