package dev.keelson.proxy.nft;

import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.ServicePortRules;
import dev.keelson.proxy.compile.StateDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Renders compiled state as {@code nft -f} scripts: a full load that replaces Keelson's table
 * atomically, and an incremental script that touches only the chains and elements of what changed.
 * Each script is one nft transaction: it applies whole or not at all.
 */
public final class NftRenderer {
    private static final String T = "inet " + NftTable.TABLE;

    private NftRenderer() {
    }

    /** A script that (re)creates the whole table. */
    public static String full(CompiledState s) {
        SortedMap<String, SortedMap<String, String>> elements = new TreeMap<>();
        StringBuilder sb = new StringBuilder(tables(s, false, elements));
        elements.forEach((m, e) -> sb.append(elementLine("add", m, e)));
        return sb.toString();
    }

    /**
     * A two-transaction load of a table that does not exist yet.
     *
     * @param skeleton the same script as {@link #full} without the elements, the table created
     *                 {@code dormant} (its base chains not hooked), so nothing sees it before the
     *                 second transaction has added the elements and woken it
     * @param elements every element, by map or set name (element text to value text, "" for sets)
     */
    public record DormantLoad(String skeleton, SortedMap<String, SortedMap<String, String>> elements) {
    }

    /** The two halves of a load into a new table (see {@link DormantLoad}). */
    public static DormantLoad dormant(CompiledState s) {
        SortedMap<String, SortedMap<String, String>> elements = new TreeMap<>();
        return new DormantLoad(tables(s, true, elements), elements);
    }

    private static void addSharedSets(SortedMap<String, SortedMap<String, String>> elements, CompiledState s) {
        addShared(elements, NftTable.CLUSTER_IPS, s.clusterIPs(), false);
        addShared(elements, NftTable.HAIRPIN, s.hairpin(), true);
    }

    /** The table block; with {@code elements} non-null, also collects every element into it. */
    private static String tables(CompiledState s, boolean dormant, SortedMap<String, SortedMap<String, String>> elements) {
        StringBuilder sb = new StringBuilder();
        // "add" then "delete" removes a previous table whether or not one exists, in the same transaction.
        sb.append("add table ").append(T).append('\n');
        sb.append("delete table ").append(T).append('\n');
        sb.append("table ").append(T).append(" {\n");
        if (dormant) {
            sb.append("\tflags dormant\n");
        }
        NftTable.declarations(s.node()).forEach(d -> sb.append('\t').append(d).append('\n'));
        s.affinityTimes().forEach(t -> NftTable.affinitySetDeclarations(t).forEach(d -> sb.append('\t').append(d).append('\n')));
        for (NftTable.Chain c : NftTable.chains(s.node(), s.affinityTimes())) {
            sb.append("\tchain ").append(c.name()).append(" {\n");
            if (c.header() != null) {
                sb.append("\t\t").append(c.header()).append('\n');
            }
            c.rules().forEach(r -> sb.append("\t\t").append(r).append('\n'));
            sb.append("\t}\n");
        }
        for (ServicePortRules r : s.ports().values()) {
            NftUnit u = NftUnit.of(r);
            u.chains().forEach((name, rules) -> {
                sb.append("\tchain ").append(name).append(" {\n");
                rules.forEach(rule -> sb.append("\t\t").append(rule).append('\n'));
                sb.append("\t}\n");
            });
            if (elements != null) {
                merge(elements, u.elements());
            }
        }
        sb.append("}\n");
        sb.append(AffinityRecord6.comment(AffinityRecord6.rules(s.affinityTimes())));
        if (elements != null) {
            addSharedSets(elements, s);
        }
        return sb.toString();
    }

    /** A script that turns the state {@code d} was computed from into its target, touching only what changed. */
    public static String incremental(StateDiff d) {
        return delta(d).script();
    }

    /**
     * The transaction that turns the state {@code d} was computed from into its target: the elements
     * that went away, the chain/rule/set commands of the units whose chains changed, and the new
     * elements. A change to flat service ports (see {@link NftTable#ENDPOINTS}) is elements only.
     */
    public static NftDelta delta(StateDiff d) {
        SortedMap<String, SortedMap<String, String>> deletes = new TreeMap<>();
        SortedMap<String, SortedMap<String, String>> adds = new TreeMap<>();
        List<String> chainOps = new ArrayList<>();
        List<String> deleteChains = new ArrayList<>();
        List<NftUnit[]> pairs = new ArrayList<>();
        d.removed().forEach(r -> pairs.add(new NftUnit[]{NftUnit.of(r), null}));
        d.changed().forEach(c -> pairs.add(new NftUnit[]{NftUnit.of(c.before()), NftUnit.of(c.after())}));
        d.added().forEach(r -> pairs.add(new NftUnit[]{null, NftUnit.of(r)}));
        for (NftUnit[] p : pairs) {
            NftUnit before = p[0];
            NftUnit after = p[1];
            merge(deletes, minus(before, after));
            merge(adds, minus(after, before));
            if (after != null) {
                after.chains().forEach((name, rules) -> {
                    List<String> old = before == null ? null : before.chains().get(name);
                    if (rules.equals(old)) {
                        return;
                    }
                    chainOps.add((old == null ? "add" : "flush") + " chain " + T + " " + name + "\n");
                    rules.forEach(r -> chainOps.add("add rule " + T + " " + name + " " + r + "\n"));
                });
            }
            if (before != null) {
                // Flush first: another chain of the same unit may jump here until its own rules go.
                before.chains().keySet().stream().filter(c -> after == null || !after.chains().containsKey(c))
                        .forEach(c -> {
                            chainOps.addFirst("flush chain " + T + " " + c + "\n");
                            deleteChains.add("delete chain " + T + " " + c + "\n");
                        });
            }
        }
        addShared(adds, NftTable.CLUSTER_IPS, d.clusterIPsAdded(), false);
        addShared(adds, NftTable.HAIRPIN, d.hairpinAdded(), true);
        addShared(deletes, NftTable.CLUSTER_IPS, d.clusterIPsRemoved(), false);
        addShared(deletes, NftTable.HAIRPIN, d.hairpinRemoved(), true);

        List<String> commands = new ArrayList<>();
        List<AffinityRecord6.Rule> record6 = null;
        if (!d.affinityAdded().isEmpty() || !d.affinityRemoved().isEmpty()) {
            SortedSet<String> now = new java.util.TreeSet<>(d.affinityAdded());
            // The affinity chains are rewritten from the full list of timeouts in use.
            now.addAll(d.affinityInUse());
            d.affinityAdded().forEach(t -> NftTable.affinitySetDeclarations(t)
                    .forEach(decl -> commands.add("add " + decl.replaceFirst("^set ", "set " + T + " ") + "\n")));
            commands.add("flush chain " + T + " " + NftTable.AFFINITY_RECORD + "\n");
            NftTable.affinityRules(now).forEach(r -> commands.add("add rule " + T + " " + NftTable.AFFINITY_RECORD
                    + " " + r + "\n"));
            commands.add("flush chain " + T + " " + NftTable.AFFINITY_NODEPORTS + "\n");
            NftTable.affinityNodePortRules(now).forEach(r -> commands.add("add rule " + T + " "
                    + NftTable.AFFINITY_NODEPORTS + " " + r + "\n"));
            record6 = AffinityRecord6.rules(now);
        }
        commands.addAll(chainOps);
        commands.addAll(deleteChains);
        d.affinityRemoved().stream().map(NftTable.AffinityTime::of).forEach(t -> {
            commands.add("delete set " + T + " " + NftTable.affinitySet(t.family(), t.seconds()) + "\n");
            commands.add("delete set " + T + " " + NftTable.affinityNodePortSet(t.family(), t.seconds()) + "\n");
        });
        return new NftDelta(deletes, commands, adds, record6 == null ? List.of() : record6);
    }

    private static void merge(SortedMap<String, SortedMap<String, String>> into,
                              SortedMap<String, SortedMap<String, String>> from) {
        from.forEach((m, e) -> into.computeIfAbsent(m, k -> new TreeMap<>()).putAll(e));
    }

    private static void addShared(SortedMap<String, SortedMap<String, String>> el, String set,
                                  SortedSet<String> keys, boolean pair) {
        for (String k : keys) {
            Family f = Family.valueOf(k.substring(0, 2));
            String a = k.substring(3);
            el.computeIfAbsent(set + f.suffix(), x -> new TreeMap<>()).put(pair ? a + " . " + a : a, "");
        }
    }

    private static SortedMap<String, SortedMap<String, String>> minus(NftUnit a, NftUnit b) {
        SortedMap<String, SortedMap<String, String>> out = new TreeMap<>();
        if (a == null) {
            return out;
        }
        a.elements().forEach((m, e) -> e.forEach((k, v) -> {
            String other = b == null ? null : b.elements().getOrDefault(m, new TreeMap<>()).get(k);
            if (!v.equals(other)) {
                out.computeIfAbsent(m, x -> new TreeMap<>()).put(k, v);
            }
        }));
        return out;
    }

    private static String elementLine(String op, String map, Map<String, String> e) {
        return NftDelta.line(op, map, e);
    }
}
