package dev.keelson.proxy.ipt;

import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.ServicePortRules;
import dev.keelson.proxy.compile.StateDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders compiled state as {@code iptables-restore} input in kube-proxy's chain layout, for one
 * family ({@code iptables-restore} or {@code ip6tables-restore}). {@link #full} is restored with
 * {@code --noflush} too (it declares and so flushes only the KUBE- chains); {@link #partial}
 * rewrites only the chains of changed service ports and inserts or deletes their rules in the shared
 * chains by exact spec, so KUBE-SERVICES is never rewritten to change one service.
 */
public final class IptablesRenderer {
    /** Chains every sync owns, in nat and filter. */
    static final List<String> NAT_FIXED = List.of("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ");
    static final List<String> FILTER_FIXED = List.of("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS");

    private IptablesRenderer() {
    }

    /** Everything for {@code f}, replacing the KUBE- chains' contents; base-chain jumps included. */
    public static String full(CompiledState s, Family f) {
        List<IptUnit> units = new ArrayList<>();
        for (ServicePortRules r : s.ports().values()) {
            if (r.family() == f) {
                units.add(IptUnit.of(r, s.node()));
            }
        }
        StringBuilder sb = new StringBuilder("*filter\n");
        FILTER_FIXED.forEach(c -> sb.append(':').append(c).append(" - [0:0]\n"));
        sb.append("-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        sb.append("-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES\n");
        sb.append("-A INPUT -m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS\n");
        sb.append("-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        sb.append("-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES\n");
        sb.append("-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        units.forEach(u -> u.filterShared().forEach(r -> sb.append("-A ").append(r).append('\n')));
        // Last in filter KUBE-SERVICES (partial() only inserts above it): a new connection still
        // addressed into a service CIDR here was not DNATed, so no service port took it.
        s.node().serviceCidrs(f).forEach(cidr -> sb.append("-A KUBE-SERVICES -d ").append(cidr)
                .append(" -m comment --comment \"unallocated cluster IP or port\" -j DROP\n"));
        sb.append("COMMIT\n*nat\n");
        NAT_FIXED.forEach(c -> sb.append(':').append(c).append(" - [0:0]\n"));
        units.forEach(u -> u.natChains().keySet().forEach(c -> sb.append(':').append(c).append(" - [0:0]\n")));
        sb.append("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        sb.append("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        sb.append("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n");
        sb.append("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n");
        sb.append("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n");
        sb.append("-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000\n");
        sb.append("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n");
        units.forEach(u -> u.natShared().forEach(r -> sb.append("-A ").append(r).append('\n')));
        // Node ports are looked at last: only traffic to a local address that matched no service IP.
        sb.append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n");
        units.forEach(u -> u.natChains().forEach((c, rules) -> rules.forEach(r -> sb.append("-A ").append(c).append(' ').append(r).append('\n'))));
        sb.append("COMMIT\n");
        return sb.toString();
    }

    /**
     * Only what {@code d} changed in family {@code f}, for {@code iptables-restore --noflush}: own chains
     * of changed ports are declared (which flushes them) and refilled, chains no longer used are
     * flushed and deleted, and shared-chain rules are inserted ({@code -I}) or deleted ({@code -D}) by spec.
     */
    public static String partial(StateDiff d, CompiledState after, Family f) {
        List<IptUnit[]> pairs = new ArrayList<>();
        d.removed().stream().filter(r -> r.family() == f).forEach(r -> pairs.add(new IptUnit[]{IptUnit.of(r, after.node()), null}));
        d.changed().stream().filter(c -> c.after().family() == f)
                .forEach(c -> pairs.add(new IptUnit[]{IptUnit.of(c.before(), after.node()), IptUnit.of(c.after(), after.node())}));
        d.added().stream().filter(r -> r.family() == f).forEach(r -> pairs.add(new IptUnit[]{null, IptUnit.of(r, after.node())}));
        StringBuilder filter = new StringBuilder();
        StringBuilder declare = new StringBuilder();
        StringBuilder rules = new StringBuilder();
        StringBuilder drop = new StringBuilder();
        for (IptUnit[] p : pairs) {
            IptUnit before = p[0];
            IptUnit after2 = p[1];
            shared(filter, before == null ? List.of() : before.filterShared(), after2 == null ? List.of() : after2.filterShared());
            shared(rules, before == null ? List.of() : before.natShared(), after2 == null ? List.of() : after2.natShared());
            Map<String, List<String>> newChains = after2 == null ? Map.of() : after2.natChains();
            Map<String, List<String>> oldChains = before == null ? Map.of() : before.natChains();
            newChains.forEach((c, rs) -> {
                if (rs.equals(oldChains.get(c))) {
                    return;
                }
                declare.append(':').append(c).append(" - [0:0]\n");
                rs.forEach(r -> rules.append("-A ").append(c).append(' ').append(r).append('\n'));
            });
            Set<String> gone = new TreeSet<>(oldChains.keySet());
            gone.removeAll(newChains.keySet());
            gone.forEach(c -> {
                declare.append(':').append(c).append(" - [0:0]\n");
                drop.append("-X ").append(c).append('\n');
            });
        }
        StringBuilder sb = new StringBuilder();
        if (!filter.isEmpty()) {
            sb.append("*filter\n").append(filter).append("COMMIT\n");
        }
        if (!declare.isEmpty() || !rules.isEmpty() || !drop.isEmpty()) {
            sb.append("*nat\n").append(declare).append(rules).append(drop).append("COMMIT\n");
        }
        return sb.toString();
    }

    /** Deletes specs that went away and inserts new ones at the top (order within these chains does not matter). */
    private static void shared(StringBuilder sb, List<String> before, List<String> after) {
        before.stream().filter(r -> !after.contains(r)).forEach(r -> sb.append("-D ").append(r).append('\n'));
        after.stream().filter(r -> !before.contains(r)).forEach(r -> {
            int sp = r.indexOf(' ');
            sb.append("-I ").append(r, 0, sp).append(" 1").append(r.substring(sp)).append('\n');
        });
    }
}
