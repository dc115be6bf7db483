package dev.keelson.bench.proxy;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * kube-proxy's iptables layout (pkg/proxy/iptables) as {@code iptables-restore --noflush} text.
 * A full sync declares every chain; a partial sync (kube-proxy 1.27+ "minimal" sync) declares,
 * and so flushes, only the changed KUBE-SVC/KUBE-SEP chains plus the fixed ones, and therefore
 * writes the whole of KUBE-SERVICES (one rule per service) and KUBE-NODEPORTS (one per node
 * port) again each time. A NodePort goes KUBE-NODEPORTS → KUBE-EXT-… (mark for masquerade) →
 * KUBE-SVC-….
 */
final class KubeIptablesLayout {
    private KubeIptablesLayout() {
    }

    /** Everything, including the jumps from the built-in chains (kube-proxy adds those with iptables -I). */
    static String full(Workload w) {
        StringBuilder sb = new StringBuilder(w.services().size() * 1200);
        filter(sb);
        sb.append("*nat\n");
        fixedNatChains(sb);
        for (Workload.Svc s : w.services()) {
            declare(sb, s);
        }
        sb.append("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        sb.append("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        sb.append("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n");
        fixedNatRules(sb, w);
        for (Workload.Svc s : w.services()) {
            chains(sb, s);
        }
        sb.append("COMMIT\n");
        return sb.toString();
    }

    /** kube-proxy's partial sync from {@code before} to {@code after}. */
    static String partial(Workload before, Workload after) {
        Map<String, Workload.Svc> old = new HashMap<>();
        before.services().forEach(s -> old.put(s.name(), s));
        Set<String> now = new java.util.HashSet<>();
        after.services().forEach(s -> now.add(s.name()));
        StringBuilder sb = new StringBuilder(after.services().size() * 150);
        filter(sb);
        sb.append("*nat\n");
        fixedNatChains(sb);
        Set<String> stale = new LinkedHashSet<>();
        List<Workload.Svc> changed = after.services().stream().filter(s -> !s.equals(old.get(s.name()))).toList();
        for (Workload.Svc s : changed) {
            declare(sb, s);
            Workload.Svc was = old.get(s.name());
            if (was != null) {
                for (String e : was.endpoints()) {
                    if (!s.endpoints().contains(e)) {
                        stale.add(sep(was, e));
                        sb.append(':').append(sep(was, e)).append(" - [0:0]\n");
                    }
                }
            }
        }
        for (Workload.Svc s : before.services()) {
            if (!now.contains(s.name())) {
                // gone: declared (so flushed) here, deleted after the rules that jump to them are rewritten
                declare(sb, s);
                stale.addAll(ownChains(s));
            }
        }
        fixedNatRules(sb, after);
        for (Workload.Svc s : changed) {
            chains(sb, s);
        }
        for (String c : stale) {
            sb.append("-X ").append(c).append('\n');
        }
        sb.append("COMMIT\n");
        return sb.toString();
    }

    private static void filter(StringBuilder sb) {
        sb.append("*filter\n");
        sb.append(":KUBE-SERVICES - [0:0]\n:KUBE-EXTERNAL-SERVICES - [0:0]\n:KUBE-FORWARD - [0:0]\n:KUBE-NODEPORTS - [0:0]\n");
        sb.append("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n");
        sb.append("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT\n");
        sb.append("COMMIT\n");
    }

    private static void fixedNatChains(StringBuilder sb) {
        sb.append(":KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n");
    }

    private static void fixedNatRules(StringBuilder sb, Workload w) {
        sb.append("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n");
        sb.append("-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000\n");
        sb.append("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n");
        sb.append("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n");
        for (Workload.Svc s : w.services()) {
            sb.append("-A KUBE-SERVICES -m comment --comment \"").append(KubeNames.portName(s)).append(" cluster IP\" -m tcp -p tcp -d ")
                    .append(s.vip()).append("/32 --dport ").append(Workload.PORT).append(" -j ").append(svc(s)).append('\n');
        }
        for (Workload.Svc s : w.services()) {
            if (s.nodePort() != 0) {
                sb.append("-A KUBE-NODEPORTS -m comment --comment ").append(KubeNames.portName(s)).append(" -m tcp -p tcp --dport ")
                        .append(s.nodePort()).append(" -j ").append(ext(s)).append('\n');
            }
        }
        sb.append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\""
                + " -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n");
    }

    private static void declare(StringBuilder sb, Workload.Svc s) {
        ownChains(s).forEach(c -> sb.append(':').append(c).append(" - [0:0]\n"));
    }

    /** The chains one service owns: KUBE-EXT (NodePort only), KUBE-SVC, then its KUBE-SEPs. */
    private static List<String> ownChains(Workload.Svc s) {
        List<String> out = new java.util.ArrayList<>();
        if (s.nodePort() != 0) {
            out.add(ext(s));
        }
        out.add(svc(s));
        s.endpoints().forEach(e -> out.add(sep(s, e)));
        return out;
    }

    private static void chains(StringBuilder sb, Workload.Svc s) {
        String pn = KubeNames.portName(s);
        sb.append("-A ").append(svc(s)).append(" -m comment --comment \"").append(pn).append(" cluster IP\" -m tcp -p tcp -d ")
                .append(s.vip()).append("/32 --dport ").append(Workload.PORT).append(" ! -s ").append(KubeNftLayout.CLUSTER_CIDR)
                .append(" -j KUBE-MARK-MASQ\n");
        if (s.nodePort() != 0) {
            sb.append("-A ").append(ext(s)).append(" -m comment --comment \"masquerade traffic for ").append(pn)
                    .append(" external destinations\" -j KUBE-MARK-MASQ\n");
            sb.append("-A ").append(ext(s)).append(" -j ").append(svc(s)).append('\n');
        }
        int n = s.endpoints().size();
        for (int i = 0; i < n; i++) {
            String e = s.endpoints().get(i);
            sb.append("-A ").append(svc(s)).append(" -m comment --comment \"").append(pn).append(" -> ").append(e).append(':')
                    .append(Workload.TARGET_PORT).append('"');
            if (i < n - 1) {
                sb.append(" -m statistic --mode random --probability ").append(String.format(Locale.ROOT, "%.10f", 1.0 / (n - i)));
            }
            sb.append(" -j ").append(sep(s, e)).append('\n');
        }
        for (String e : s.endpoints()) {
            sb.append("-A ").append(sep(s, e)).append(" -m comment --comment ").append(pn).append(" -s ").append(e)
                    .append("/32 -j KUBE-MARK-MASQ\n");
            sb.append("-A ").append(sep(s, e)).append(" -m comment --comment ").append(pn).append(" -m tcp -p tcp -j DNAT --to-destination ")
                    .append(e).append(':').append(Workload.TARGET_PORT).append('\n');
        }
    }

    private static String svc(Workload.Svc s) {
        return "KUBE-SVC-" + KubeNames.hash(KubeNames.portName(s) + "tcp", 16);
    }

    private static String ext(Workload.Svc s) {
        return "KUBE-EXT-" + KubeNames.hash(KubeNames.portName(s) + "tcp", 16);
    }

    private static String sep(Workload.Svc s, String ep) {
        return "KUBE-SEP-" + KubeNames.hash(KubeNames.portName(s) + "tcp" + ep + ":" + Workload.TARGET_PORT, 16);
    }
}
