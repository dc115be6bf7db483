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
            // No chain at all: each frontend's endpoints are elements of the flat endpoint map.
            String proto = r.protocol().lower();
            int n = r.internalEndpoints().size();
            for (Frontend fe : r.frontends()) {
                String key = InetAddresses.format(fe.address()) + " . " + proto + " . " + fe.port() + " . ";
                for (int i = 0; i < n; i++) {
                    Backend b = r.internalEndpoints().get(i);
                    put(el, NftTable.ENDPOINTS + f.suffix(), key + (NftTable.firstIndex(n) + i),
                            InetAddresses.format(b.address()) + " . " + b.port());
                }
            }
            return new NftUnit(chains, el);
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
                if (r.affinitySeconds() > 0 && !node) {
                    put(el, NftTable.affinitySet(f, r.affinitySeconds()), key, "");
                }
            } else {
                put(el, (node ? NftTable.NO_ENDPOINT_NODEPORTS : NftTable.NO_ENDPOINT_SERVICES) + f.suffix(), key,
                        d == Disposition.REJECT ? "goto " + NftTable.REJECT_CHAIN : "drop");
            }
        }
        return new NftUnit(chains, el);
    }

    /**
     * Whether the port is served by the flat endpoint map instead of chains: only ClusterIP frontends,
     * no affinity, and 1..MAX_FLAT endpoints. The rest (external traffic with its masquerade and
     * policies, source ranges, affinity) keeps per-service chains.
     */
    static boolean flat(ServicePortRules r) {
        return r.internal() == Disposition.FORWARD && !r.hasExternal() && r.affinitySeconds() == 0
                && r.internalEndpoints().size() <= NftTable.MAX_FLAT;
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
        if (r.affinitySeconds() > 0 && !eps.isEmpty() && f == Family.V4) {
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
