package dev.keelson.proxy.nft;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.compile.Disposition;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.Frontend;
import dev.keelson.proxy.compile.Names;
import dev.keelson.proxy.compile.ServicePortRules;
import dev.keelson.proxy.model.Backend;
import dev.keelson.proxy.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The nft objects of one service port: its chains with their rules (in creation order: a chain is
 * created before the chains that jump to it) and its elements in the table-wide maps.
 *
 * @param chains   chain name to rule texts
 * @param elements map or set name to key to value ("" for a plain set element)
 */
record NftUnit(Map<String, List<String>> chains, SortedMap<String, SortedMap<String, String>> elements) {

    static NftUnit of(ServicePortRules r) {
        Family f = r.family();
        String svc = Names.nft("svc", r.name(), f);
        String ext = Names.nft("ext", r.name(), f);
        String fw = Names.nft("fw", r.name(), f);
        Map<String, List<String>> chains = new LinkedHashMap<>();
        SortedMap<String, SortedMap<String, String>> el = new TreeMap<>();
        boolean hasSvc = r.internal() == Disposition.FORWARD;
        if (flat(r)) {
            return flatUnit(r, chains, el);
        }
        boolean hasExt = r.hasExternal() && r.external() == Disposition.FORWARD;
        if (hasSvc) {
            chains.put(svc, endpointRules(r, r.internalEndpoints()));
        }
        if (hasExt) {
            List<String> rules = new ArrayList<>();
            if (r.externalPolicy() == TrafficPolicy.Cluster) {
                // External traffic is masqueraded so replies come back through this node.
                rules.add("jump " + NftTable.MARK_MASQ);
                rules.addAll(endpointRules(r, r.endpoints()));
            } else {
                String p = f.nft();
                if (hasSvc) {
                    // Pods and the node itself get cluster-wide spreading (kube-proxy does the same).
                    rules.add(p + " saddr @" + NftTable.CLUSTER_CIDRS + f.suffix() + " goto " + svc);
                    rules.add("fib saddr type local jump " + NftTable.MARK_MASQ);
                    rules.add("fib saddr type local goto " + svc);
                }
                rules.addAll(endpointRules(r, r.localEndpoints()));
            }
            chains.put(ext, rules);
            if (r.firewalled()) {
                List<String> fwRules = new ArrayList<>();
                for (IpPrefix range : r.sourceRanges()) {
                    fwRules.add(f.nft() + " saddr " + cidr(range) + " goto " + ext);
                }
                fwRules.add("drop");
                chains.put(fw, fwRules);
            }
        }
        String proto = r.protocol().lower();
        for (Frontend fe : r.frontends()) {
            Disposition d = r.disposition(fe);
            boolean node = fe.kind() == Frontend.Kind.NODE_PORT;
            String key = node ? proto + " . " + fe.port()
                    : InetAddresses.format(fe.address()) + " . " + proto + " . " + fe.port();
            if (d == Disposition.FORWARD) {
                String target = !fe.external() ? svc : fe.kind() == Frontend.Kind.LOAD_BALANCER && r.firewalled() ? fw : ext;
                put(el, (node ? NftTable.NODEPORTS : NftTable.SERVICE_IPS) + f.suffix(), key, "goto " + target);
                affinityElement(el, r, node, key);
            } else {
                put(el, (node ? NftTable.NO_ENDPOINT_NODEPORTS : NftTable.NO_ENDPOINT_SERVICES) + f.suffix(), key,
                        d == Disposition.REJECT ? "goto " + NftTable.REJECT_CHAIN : "drop");
            }
        }
        return new NftUnit(chains, el);
    }

    /**
     * Whether the port is served by the flat endpoint maps instead of chains: 1..MAX_FLAT endpoints,
     * and, when it has external frontends, policy {@code Cluster} over the same endpoints as its
     * ClusterIP and no load-balancer source ranges. ClientIP affinity is served by the global
     * affinity lookup in {@code pick-endpoint}. What remains on chains ({@code Local} policies,
     * source ranges, more endpoints, no-endpoint verdicts) is what needs per-service logic.
     */
    static boolean flat(ServicePortRules r) {
        if (r.internal() != Disposition.FORWARD || r.internalEndpoints().size() > NftTable.MAX_FLAT) {
            return false;
        }
        return !r.hasExternal() || r.external() == Disposition.FORWARD && r.externalPolicy() == TrafficPolicy.Cluster
                && !r.firewalled() && r.endpoints().equals(r.internalEndpoints());
    }

    /**
     * No chain at all: each frontend's endpoints are data elements of {@code endpoints4/6} (addressed
     * frontends) or {@code nodeport-endpoints4/6} (node ports); external frontends are also members of
     * the masquerade sets, which is all that an {@code ext-} chain of policy Cluster did besides spreading.
     */
    private static NftUnit flatUnit(ServicePortRules r, Map<String, List<String>> chains,
                                    SortedMap<String, SortedMap<String, String>> el) {
        Family f = r.family();
        String proto = r.protocol().lower();
        int n = r.internalEndpoints().size();
        for (Frontend fe : r.frontends()) {
            boolean node = fe.kind() == Frontend.Kind.NODE_PORT;
            String key = node ? proto + " . " + fe.port()
                    : InetAddresses.format(fe.address()) + " . " + proto + " . " + fe.port();
            String map = (node ? NftTable.NODEPORT_ENDPOINTS : NftTable.ENDPOINTS) + f.suffix();
            for (int i = 0; i < n; i++) {
                Backend b = r.internalEndpoints().get(i);
                put(el, map, key + " . " + (NftTable.firstIndex(n) + i),
                        InetAddresses.format(b.address()) + " . " + b.port());
            }
            if (fe.external()) {
                put(el, (node ? NftTable.MASQ_NODEPORTS : NftTable.MASQ_FRONTENDS) + f.suffix(), key, "");
            }
            affinityElement(el, r, node, key);
        }
        return new NftUnit(chains, el);
    }

    /**
     * A forwarded frontend of an affinity port joins its timeout's set: an addressed one the frontend
     * set, a node port the node-port set (the packet path then adds the address it was reached at).
     */
    private static void affinityElement(SortedMap<String, SortedMap<String, String>> el, ServicePortRules r,
                                        boolean node, String key) {
        if (r.affinitySeconds() > 0) {
            put(el, node ? NftTable.affinityNodePortSet(r.family(), r.affinitySeconds())
                    : NftTable.affinitySet(r.family(), r.affinitySeconds()), key, "");
        }
    }

    /**
     * One rule per endpoint: endpoint i of n is taken with probability 1/(n-i) by a fresh
     * {@code numgen random mod (n-i)} draw, the last unconditionally, which spreads uniformly without
     * an anonymous {@code numgen … vmap} set per service (the kernel cost that makes kube-proxy's
     * nftables layout take 82 s at 10,000 services here).
     */
    private static List<String> endpointRules(ServicePortRules r, List<Backend> eps) {
        List<String> rules = new ArrayList<>();
        Family f = r.family();
        String proto = r.protocol().lower();
        if (r.affinitySeconds() > 0 && !eps.isEmpty()) {
            // A client seen within the timeout goes back to the endpoint recorded by the affinity chain.
            rules.add("meta l4proto " + proto + " dnat " + f.nft() + " to " + f.nft() + " saddr . " + f.nft()
                    + " daddr . " + proto + " dport map @" + NftTable.AFFINITY + f.suffix());
        }
        int n = eps.size();
        for (int i = 0; i < n; i++) {
            String draw = i == n - 1 ? "" : "numgen random mod " + (n - i) + " 0 ";
            rules.add("meta l4proto " + proto + " " + draw + "dnat " + f.nft() + " to " + eps.get(i));
        }
        return rules;
    }

    static String cidr(IpPrefix p) {
        return InetAddresses.format(p.address()) + "/" + p.length();
    }

    private static void put(SortedMap<String, SortedMap<String, String>> el, String map, String key, String value) {
        el.computeIfAbsent(map, k -> new TreeMap<>()).put(key, value);
    }
}
