package dev.keelson.proxy.nft;

import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * The fixed part of Keelson's {@code table inet keelson}: base chains, dispatch chains and the
 * table-wide maps and sets that per-service chains are reached through. Names are constants here.
 */
public final class NftTable {
    /** The table, in family {@code inet} so one table serves IPv4 and IPv6. */
    public static final String TABLE = "keelson";
    static final String SERVICE_IPS = "service-ips";
    static final String NODEPORTS = "service-nodeports";
    static final String NO_ENDPOINT_SERVICES = "no-endpoint-services";
    static final String NO_ENDPOINT_NODEPORTS = "no-endpoint-nodeports";
    static final String CLUSTER_IPS = "cluster-ips";
    static final String CLUSTER_CIDRS = "cluster-cidrs";
    static final String HAIRPIN = "hairpin";
    static final String AFFINITY = "affinity";
    static final String MARK_MASQ = "mark-for-masquerade";
    static final String REJECT_CHAIN = "reject-service";
    public static final String AFFINITY_RECORD = "affinity-record";
    static final String AFFINITY_NODEPORTS = "affinity-nodeports";
    static final String NODEPORT_FRONTENDS = "nodeport-frontends";
    static final String ENDPOINTS = "endpoints";
    static final String PICK_ENDPOINT = "pick-endpoint";
    static final String NODEPORT_ENDPOINTS = "nodeport-endpoints";
    static final String MASQ_FRONTENDS = "masquerade-frontends";
    static final String MASQ_NODEPORTS = "masquerade-nodeports";
    /**
     * The most endpoints a service port may have and still be served by the flat endpoint map; one
     * {@code pick-endpoint} rule per count 1..MAX_FLAT and family, so a larger port gets its own chain.
     */
    static final int MAX_FLAT = 16;
    /** The packet mark bit that asks postrouting to masquerade (kube-proxy's 0x4000). */
    public static final String MASQ_MARK = "0x00004000";

    private NftTable() {
    }

    /** One distinct affinity timeout of a family, from its key in {@code CompiledState.affinityTimes()} ("V4/10800"). */
    record AffinityTime(Family family, int seconds) {
        static AffinityTime of(String key) {
            return new AffinityTime(Family.valueOf(key.substring(0, 2)), Integer.parseInt(key.substring(3)));
        }
    }

    /** The set of frontends whose affinity entries live {@code seconds}: {@code affinity4-10800}. */
    static String affinitySet(Family f, int seconds) {
        return AFFINITY + f.suffix() + "-" + seconds;
    }

    /** The node ports of affinity service ports whose entries live {@code seconds}: {@code affinity-nodeports4-10800}. */
    static String affinityNodePortSet(Family f, int seconds) {
        return AFFINITY_NODEPORTS + f.suffix() + "-" + seconds;
    }

    /**
     * How long a node address . node port that a connection was sent to stays in
     * {@code nodeport-frontends4/6} ({@link #affinityNodePortRules}): it only has to outlive the
     * step from nat prerouting to the record (dstnat + 10) of the same packet; each new connection
     * refreshes it. The record rule also checks the node port's static set, which changes in the
     * same transaction as the service, so an entry that outlives its node port records nothing.
     */
    static final int NODEPORT_FRONTEND_SECONDS = 10;

    /**
     * The first endpoint index of a service port with {@code n} endpoints in the flat endpoint map:
     * {@code n(n-1)/2}, so the index ranges of different counts never overlap (1: 0, 2: 1-2, 3: 3-5, …)
     * and the rule for count m cannot hit an entry of a port with another count.
     */
    static int firstIndex(int n) {
        return n * (n - 1) / 2;
    }

    /** Declarations of the maps and sets (with the cluster CIDRs, which come from the node configuration). */
    static List<String> declarations(NodeConfig node) {
        List<String> out = new ArrayList<>();
        for (Family f : Family.values()) {
            String addr = f == Family.V4 ? "ipv4_addr" : "ipv6_addr";
            String s = f.suffix();
            out.add("map " + SERVICE_IPS + s + " { type " + addr + " . inet_proto . inet_service : verdict; }");
            out.add("map " + NODEPORTS + s + " { type inet_proto . inet_service : verdict; }");
            out.add("map " + NO_ENDPOINT_SERVICES + s + " { type " + addr + " . inet_proto . inet_service : verdict; }");
            out.add("map " + NO_ENDPOINT_NODEPORTS + s + " { type inet_proto . inet_service : verdict; }");
            out.add("set " + CLUSTER_IPS + s + " { type " + addr + "; }");
            List<String> cidrs = node.clusterCidrs(f).stream().map(NftUnit::cidr).toList();
            out.add("set " + CLUSTER_CIDRS + s + " { type " + addr + "; flags interval; "
                    + (cidrs.isEmpty() ? "" : "elements = { " + String.join(", ", cidrs) + " }; ") + "}");
            out.add("set " + HAIRPIN + s + " { type " + addr + " . " + addr + "; }");
            // Client . frontend address . frontend port -> endpoint address . port; entries are written
            // by the affinity-record chain after DNAT and expire with the service's timeout.
            out.add("map " + AFFINITY + s + " { type " + addr + " . " + addr + " . inet_service : " + addr
                    + " . inet_service; flags dynamic,timeout; size 1048576; }");
            // Frontend . endpoint index -> endpoint: a plain hash with data values, so adding a service
            // or changing its endpoints is element changes only (no chain, no jump to validate).
            out.add("map " + ENDPOINTS + s + " { typeof " + f.nft() + " daddr . meta l4proto . th dport . numgen random mod "
                    + MAX_FLAT + " : " + f.nft() + " daddr . th dport; size 1048576; }");
            // The same for node ports (any local address), and the external frontends of flat ports,
            // whose traffic is masqueraded (policy Cluster) as an ext- chain would do.
            out.add("map " + NODEPORT_ENDPOINTS + s + " { typeof meta l4proto . th dport . numgen random mod " + MAX_FLAT
                    + " : " + f.nft() + " daddr . th dport; size 1048576; }");
            out.add("set " + MASQ_FRONTENDS + s + " { type " + addr + " . inet_proto . inet_service; size 1048576; }");
            out.add("set " + MASQ_NODEPORTS + s + " { type inet_proto . inet_service; }");
            // Node address . node port, written by the packet path (affinity-nodeports), for affinity-record.
            out.add("set " + NODEPORT_FRONTENDS + s + " { type " + addr
                    + " . inet_proto . inet_service; flags dynamic,timeout; size 65536; }");
        }
        return out;
    }

    /** Declarations of one affinity timeout's sets: its addressed frontends and its node ports. */
    static List<String> affinitySetDeclarations(String familyAndSeconds) {
        AffinityTime t = AffinityTime.of(familyAndSeconds);
        Family f = t.family();
        int seconds = t.seconds();
        String addr = f == Family.V4 ? "ipv4_addr" : "ipv6_addr";
        return List.of("set " + affinitySet(f, seconds) + " { type " + addr + " . inet_proto . inet_service; }",
                "set " + affinityNodePortSet(f, seconds) + " { type inet_proto . inet_service; }");
    }

    /** Fixed chains and their rules, as name to (header + rules). */
    static List<Chain> chains(NodeConfig node, SortedSet<String> affinityTimes) {
        List<Chain> out = new ArrayList<>();
        out.add(new Chain(MARK_MASQ, null, List.of("meta mark set meta mark | " + MASQ_MARK)));
        out.add(new Chain(REJECT_CHAIN, null, List.of("reject")));
        List<String> services = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        List<String> masq = new ArrayList<>();
        List<String> pick = new ArrayList<>();
        List<String> flatMasq = new ArrayList<>();
        for (Family f : Family.values()) {
            String p = f.nft();
            String s = f.suffix();
            // Off-cluster clients of a ClusterIP are masqueraded so replies return through this node.
            services.add(p + " daddr @" + CLUSTER_IPS + s + (node.masqueradeAll() ? "" : " " + p + " saddr != @"
                    + CLUSTER_CIDRS + s) + " jump " + MARK_MASQ);
            services.add(p + " daddr . meta l4proto . th dport vmap @" + SERVICE_IPS + s);
            String local = "meta nfproto " + (f == Family.V4 ? "ipv4" : "ipv6") + " fib daddr type local"
                    + (f == Family.V4 ? " ip daddr != 127.0.0.0/8" : " ip6 daddr != ::1");
            // Marks the node's address as a frontend of affinity node ports, for affinity-record.
            services.add(local + " jump " + AFFINITY_NODEPORTS);
            services.add(local + " meta l4proto . th dport vmap @" + NODEPORTS + s);
            checks.add(p + " daddr . meta l4proto . th dport vmap @" + NO_ENDPOINT_SERVICES + s);
            checks.add("meta nfproto " + (f == Family.V4 ? "ipv4" : "ipv6")
                    + " fib daddr type local meta l4proto . th dport vmap @" + NO_ENDPOINT_NODEPORTS + s);
            for (IpPrefix cidr : node.serviceCidrs(f)) {
                // Nothing listens on an unallocated ClusterIP: drop instead of routing it off the node.
                checks.add(p + " daddr " + NftUnit.cidr(cidr) + " " + p + " daddr != @" + CLUSTER_IPS + s + " drop");
            }
            // A client reaching its own pod through the service needs SNAT or the reply bypasses conntrack.
            masq.add("ct status dnat " + p + " saddr . " + p + " daddr @" + HAIRPIN + s + " masquerade");
            flatMasq.add(p + " daddr . meta l4proto . th dport @" + MASQ_FRONTENDS + s + " jump " + MARK_MASQ);
            flatMasq.add(local + " meta l4proto . th dport @" + MASQ_NODEPORTS + s + " jump " + MARK_MASQ);
            // A client with a recorded choice for this frontend goes back to it (entries exist only
            // for frontends in an affinity set, node ports at the address they were reached at; see
            // affinity-record).
            pick.add("meta l4proto { tcp, udp, sctp } dnat " + p + " to " + p + " saddr . " + p + " daddr . th dport map @"
                    + AFFINITY + s);
            for (int n = 1; n <= MAX_FLAT; n++) {
                // A miss in the map ends the rule (no DNAT) and the next count is tried.
                pick.add("meta l4proto { tcp, udp, sctp } dnat " + p + " to " + p + " daddr . meta l4proto . th dport"
                        + " . numgen random mod " + n + " offset " + firstIndex(n) + " map @" + ENDPOINTS + s);
            }
            for (int n = 1; n <= MAX_FLAT; n++) {
                pick.add(local + " meta l4proto { tcp, udp, sctp } dnat " + p + " to meta l4proto . th dport"
                        + " . numgen random mod " + n + " offset " + firstIndex(n) + " map @" + NODEPORT_ENDPOINTS + s);
            }
        }
        services.addAll(flatMasq);
        services.add("jump " + PICK_ENDPOINT);
        out.add(new Chain(PICK_ENDPOINT, null, pick));
        out.add(new Chain("services", null, services));
        out.add(new Chain("service-checks", null, checks));
        masq.add("meta mark & " + MASQ_MARK + " == 0 return");
        masq.add("meta mark set meta mark ^ " + MASQ_MARK);
        masq.add("masquerade fully-random");
        out.add(new Chain("nat-prerouting", "type nat hook prerouting priority dstnat; policy accept;", List.of("jump services")));
        out.add(new Chain("nat-output", "type nat hook output priority -100; policy accept;", List.of("jump services")));
        out.add(new Chain("nat-postrouting", "type nat hook postrouting priority srcnat; policy accept;", masq));
        for (String hook : List.of("input", "forward", "output")) {
            out.add(new Chain("filter-" + hook, "type filter hook " + hook + " priority filter - 5; policy accept;",
                    List.of("ct state new jump service-checks")));
        }
        // Runs after DNAT (dstnat + 10), so the chosen endpoint is in the packet: record client -> endpoint.
        out.add(new Chain("affinity-prerouting", "type filter hook prerouting priority dstnat + 10; policy accept;",
                List.of("ct state new ct status dnat jump " + AFFINITY_RECORD)));
        out.add(new Chain("affinity-output", "type filter hook output priority -90; policy accept;",
                List.of("ct state new ct status dnat jump " + AFFINITY_RECORD)));
        out.add(new Chain(AFFINITY_RECORD, null, affinityRules(affinityTimes)));
        out.add(new Chain(AFFINITY_NODEPORTS, null, affinityNodePortRules(affinityTimes)));
        return out;
    }

    /**
     * One rule per family and distinct timeout, in {@code nat} before the node-port dispatch: a new
     * connection to one of the timeout's node ports puts the node address and port it was sent to
     * into {@code nodeport-frontends4/6}, so affinity-record records the client's endpoint under
     * that address and port, as for an addressed frontend.
     */
    static List<String> affinityNodePortRules(SortedSet<String> affinityTimes) {
        List<String> rules = new ArrayList<>();
        for (String key : affinityTimes) {
            AffinityTime t = AffinityTime.of(key);
            Family f = t.family();
            int seconds = t.seconds();
            rules.add("meta l4proto . th dport @" + affinityNodePortSet(f, seconds) + " update @" + NODEPORT_FRONTENDS
                    + f.suffix() + " { " + f.nft() + " daddr . meta l4proto . th dport timeout " + NODEPORT_FRONTEND_SECONDS + "s }");
        }
        return rules;
    }

    /**
     * The IPv4 recording rules of {@code affinity-record}: per distinct timeout and protocol, one for
     * addressed frontends and one for node ports; the protocol match types
     * {@code ct original proto-dst}. The IPv6 ones are the same rules written over netlink
     * ({@link AffinityRecord6}), after these.
     */
    static List<String> affinityRules(SortedSet<String> affinityTimes) {
        List<String> rules = new ArrayList<>();
        for (String key : affinityTimes) {
            AffinityTime t = AffinityTime.of(key);
            if (t.family() == Family.V4) {
                for (boolean nodePort : new boolean[]{false, true}) {
                    for (Protocol proto : Protocol.values()) {
                        rules.add(affinityRule(Family.V4, t.seconds(), proto, nodePort));
                    }
                }
            }
        }
        return rules;
    }

    /**
     * The text of one recording rule (for IPv6, what {@code nft list} shows of the netlink-written
     * rule). An addressed frontend is in the timeout's frontend set; a node port is in the timeout's
     * node-port set, reached at an address and port the nat path just put in {@code nodeport-frontends}.
     */
    static String affinityRule(Family f, int seconds, Protocol proto, boolean nodePort) {
        String p = f.nft();
        String l4 = proto.lower();
        String frontend = "ct original " + p + " daddr . meta l4proto . ct original proto-dst @";
        String match = nodePort
                ? "meta l4proto . ct original proto-dst @" + affinityNodePortSet(f, seconds) + " " + frontend
                        + NODEPORT_FRONTENDS + f.suffix()
                : frontend + affinitySet(f, seconds);
        return "meta l4proto " + l4 + " " + match + " update @" + AFFINITY + f.suffix() + " { " + p
                + " saddr . ct original " + p + " daddr . ct original proto-dst timeout " + seconds + "s : "
                + p + " daddr . " + l4 + " dport }";
    }

    /** A chain: base chains have a header ({@code type … hook …}). */
    record Chain(String name, String header, List<String> rules) {
    }
}
