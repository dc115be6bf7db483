package dev.keelson.proxy.ipt;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.compile.Disposition;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.Frontend;
import dev.keelson.proxy.compile.Names;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.compile.ServicePortRules;
import dev.keelson.proxy.model.Backend;
import dev.keelson.proxy.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The iptables rules of one service port in kube-proxy's layout: its own chains (SVC, SVL, EXT, FW,
 * SEP) with their rules, and the rule specs it contributes to the shared chains (nat KUBE-SERVICES,
 * KUBE-NODEPORTS; filter KUBE-SERVICES, KUBE-EXTERNAL-SERVICES, KUBE-NODEPORTS). Shared-chain rules
 * are kept as exact specs so a partial sync can {@code -I}/{@code -D} them one by one.
 *
 * @param natChains     own nat chains, name to rules (without {@code -A NAME})
 * @param natShared     "CHAIN spec" rules in shared nat chains
 * @param filterShared  "CHAIN spec" rules in shared filter chains
 */
record IptUnit(Map<String, List<String>> natChains, List<String> natShared, List<String> filterShared) {

    static IptUnit of(ServicePortRules r, NodeConfig node) {
        Family f = r.family();
        String svc = Names.iptService(r.name());
        String svl = Names.iptLocal(r.name());
        String ext = Names.iptExternal(r.name());
        String fw = Names.iptFirewall(r.name());
        String proto = r.protocol().lower();
        String comment = "-m comment --comment " + quote(r.name().toString());
        Map<String, List<String>> chains = new LinkedHashMap<>();
        List<String> nat = new ArrayList<>();
        List<String> filter = new ArrayList<>();
        boolean hasSvc = r.internal() == Disposition.FORWARD;
        boolean hasExt = r.hasExternal() && r.external() == Disposition.FORWARD;
        Map<String, List<String>> seps = new LinkedHashMap<>();
        if (hasSvc) {
            Frontend cip = r.frontends(Frontend.Kind.CLUSTER_IP).getFirst();
            List<String> rules = new ArrayList<>();
            String match = "-d " + host(cip) + " -p " + proto + " " + comment + " -m " + proto + " --dport " + cip.port();
            if (node.masqueradeAll()) {
                rules.add(match + " -j KUBE-MARK-MASQ");
            }
            for (IpPrefix c : node.clusterCidrs(f)) {
                rules.add(match + " ! -s " + cidr(c) + " -j KUBE-MARK-MASQ");
            }
            rules.addAll(spread(r, r.internalEndpoints(), seps));
            chains.put(svc, rules);
        }
        if (hasExt) {
            List<String> rules = new ArrayList<>();
            if (r.externalPolicy() == TrafficPolicy.Cluster) {
                rules.add("-m comment --comment " + quote("masquerade traffic for " + r.name() + " external destinations")
                        + " -j KUBE-MARK-MASQ");
                if (!hasSvc) {
                    chains.put(svc, spread(r, r.endpoints(), seps));
                }
                rules.add("-j " + svc);
            } else {
                if (hasSvc) {
                    for (IpPrefix c : node.clusterCidrs(f)) {
                        rules.add("-s " + cidr(c) + " -m comment --comment " + quote("pod traffic for " + r.name()
                                + " external destinations") + " -j " + svc);
                    }
                    rules.add("-m comment --comment " + quote("masquerade LOCAL traffic for " + r.name()
                            + " external destinations") + " -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ");
                    rules.add("-m comment --comment " + quote("route LOCAL traffic for " + r.name()
                            + " external destinations") + " -m addrtype --src-type LOCAL -j " + svc);
                }
                chains.put(svl, spread(r, r.localEndpoints(), seps));
                rules.add("-j " + svl);
            }
            chains.put(ext, rules);
            if (r.firewalled()) {
                List<String> fwRules = new ArrayList<>();
                for (IpPrefix range : r.sourceRanges()) {
                    fwRules.add(comment + " -s " + cidr(range) + " -j " + ext);
                }
                chains.put(fw, fwRules);
                // DROP is refused in the nat table; a packet the FW chain did not send on stays un-DNATed
                // and is dropped in filter, where its destination is still the load-balancer IP.
                for (Frontend lb : r.frontends(Frontend.Kind.LOAD_BALANCER)) {
                    filter.add("KUBE-EXTERNAL-SERVICES -d " + host(lb) + " -p " + proto + " -m comment --comment "
                            + quote(r.name() + " traffic not accepted by " + fw) + " -m " + proto + " --dport "
                            + lb.port() + " -j DROP");
                }
            }
        }
        chains.putAll(seps);
        for (Frontend fe : r.frontends()) {
            Disposition d = r.disposition(fe);
            String what = quote(r.name() + " " + fe.kind().label()
                    + (d == Disposition.REJECT ? " has no endpoints" : d == Disposition.DROP ? " has no local endpoints" : ""));
            boolean node2 = fe.kind() == Frontend.Kind.NODE_PORT;
            String dst = node2 ? "" : "-d " + host(fe) + " ";
            String spec = dst + "-p " + proto + " -m comment --comment " + what + " -m " + proto + " --dport " + fe.port();
            if (d == Disposition.FORWARD) {
                String target = !fe.external() ? svc : fe.kind() == Frontend.Kind.LOAD_BALANCER && r.firewalled() ? fw : ext;
                nat.add((node2 ? "KUBE-NODEPORTS " : "KUBE-SERVICES ") + spec + " -j " + target);
            } else {
                String verdict = d == Disposition.REJECT
                        ? "-j REJECT --reject-with " + (f == Family.V4 ? "icmp-port-unreachable" : "icmp6-port-unreachable")
                        : "-j DROP";
                String chain = node2 ? "KUBE-NODEPORTS " : fe.external() ? "KUBE-EXTERNAL-SERVICES " : "KUBE-SERVICES ";
                if (node2) {
                    spec = "-m addrtype --dst-type LOCAL " + spec;
                }
                filter.add(chain + spec + " " + verdict);
            }
        }
        return new IptUnit(chains, nat, filter);
    }

    /** kube-proxy's spread: endpoint i of n is taken with probability 1/(n-i); affinity checks come first. */
    private static List<String> spread(ServicePortRules r, List<Backend> eps, Map<String, List<String>> seps) {
        List<String> rules = new ArrayList<>();
        Family f = r.family();
        String proto = r.protocol().lower();
        int n = eps.size();
        String mask = f == Family.V4 ? "255.255.255.255" : "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        if (r.affinitySeconds() > 0) {
            for (Backend b : eps) {
                String sep = Names.iptEndpoint(r.name(), b.toString());
                rules.add("-m comment --comment " + quote(r.name() + " -> " + b) + " -m recent --name " + sep
                        + " --mask " + mask + " --rsource --rcheck --seconds " + r.affinitySeconds() + " --reap -j " + sep);
            }
        }
        for (int i = 0; i < n; i++) {
            Backend b = eps.get(i);
            String sep = Names.iptEndpoint(r.name(), b.toString());
            String prob = i == n - 1 ? "" : " -m statistic --mode random --probability "
                    + String.format(Locale.ROOT, "%.10f", 1.0 / (n - i));
            rules.add("-m comment --comment " + quote(r.name() + " -> " + b) + prob + " -j " + sep);
            List<String> s = new ArrayList<>();
            s.add("-s " + InetAddresses.format(b.address()) + "/" + f.bits() + " -m comment --comment "
                    + quote(r.name().toString()) + " -j KUBE-MARK-MASQ");
            String aff = r.affinitySeconds() > 0 ? " -m recent --set --name " + sep + " --mask " + mask + " --rsource" : "";
            s.add("-p " + proto + " -m comment --comment " + quote(r.name().toString()) + aff + " -m " + proto
                    + " -j DNAT --to-destination " + b);
            seps.put(sep, s);
        }
        return rules;
    }

    private static String host(Frontend fe) {
        return InetAddresses.format(fe.address()) + "/" + Family.of(fe.address()).bits();
    }

    static String cidr(IpPrefix p) {
        return InetAddresses.format(p.address()) + "/" + p.length();
    }

    /** iptables-restore reads a double-quoted comment as one word. */
    static String quote(String s) {
        return "\"" + s + "\"";
    }
}
