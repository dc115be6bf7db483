package dev.keelson.proxy.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Restore inputs that adopt what an {@code iptables-save} shows. {@link #replace} is the full sync's:
 * for {@code iptables-restore} <em>without</em> {@code --noflush}, which empties each table named in
 * the input inside the same COMMIT; everything in that table that is not ours (non-{@code KUBE-}
 * chains, the built-in chains' policies, and their rules that do not jump into a {@code KUBE-}
 * chain) is carried over verbatim, and our leftovers simply are not repeated. It replaced a
 * {@code --noflush} form that declared every existing {@code KUBE-} chain, deleted the old jumps
 * and {@code -X}ed unused chains: iptables-nft 1.8.9 declares chains under {@code --noflush} in
 * super-linear user time (20,000 chains 1.3 s, 60,000 chains 42 s), the flushing form 60,000 in
 * 0.03 s. {@link #removal} is the flush's ({@code --noflush}). Each table's section is one COMMIT,
 * so every swap is atomic per table.
 */
final class RestoreInput {
    private static final Set<String> BUILTIN = Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");
    static final String PREFIX = "KUBE-";

    private RestoreInput() {
    }

    /**
     * What an {@code iptables-save} text holds, per table: our chains, the built-in rules that jump to
     * them, and everything else ({@code foreignChains}: declaration lines such as {@code :INPUT ACCEPT
     * [0:0]}; {@code foreignRules}: {@code -A} lines), in save order.
     */
    record Existing(Map<String, Set<String>> chains, Map<String, List<String>> jumps,
                    Map<String, List<String>> foreignChains, Map<String, List<String>> foreignRules) {
    }

    static Existing parse(String save) {
        Map<String, Set<String>> chains = new LinkedHashMap<>();
        Map<String, List<String>> jumps = new LinkedHashMap<>();
        Map<String, List<String>> foreignChains = new LinkedHashMap<>();
        Map<String, List<String>> foreignRules = new LinkedHashMap<>();
        String table = null;
        for (String line : save.split("\n")) {
            if (line.startsWith("*")) {
                table = line.substring(1).strip();
            } else if (table != null && line.startsWith(":" + PREFIX)) {
                chains.computeIfAbsent(table, t -> new LinkedHashSet<>()).add(line.substring(1, line.indexOf(' ')));
            } else if (table != null && line.startsWith(":")) {
                foreignChains.computeIfAbsent(table, t -> new ArrayList<>()).add(line);
            } else if (table != null && line.startsWith("-A ")) {
                String[] w = line.split(" ", 3);
                if (BUILTIN.contains(w[1]) && line.contains(" -j " + PREFIX)) {
                    jumps.computeIfAbsent(table, t -> new ArrayList<>()).add(line.substring(3));
                } else if (!w[1].startsWith(PREFIX)) {
                    foreignRules.computeIfAbsent(table, t -> new ArrayList<>()).add(line);
                }
            }
        }
        return new Existing(chains, jumps, foreignChains, foreignRules);
    }

    /**
     * {@code full} (filter and nat sections) for a flushing restore: each section keeps what is not
     * ours in {@code existing} — its chains and policies first, its rules before our first rule, so
     * built-in chains hold the foreign rules first and our jumps after them, as deleting and re-appending
     * our jumps would. Our own leftovers are not repeated, so they are gone after the COMMIT.
     */
    static String replace(String full, Existing existing) {
        StringBuilder out = new StringBuilder(full.length() + 4096);
        String table = null;
        boolean rulesPending = false;
        int from = 0;
        while (from < full.length()) {
            int nl = full.indexOf('\n', from);
            int end = nl < 0 ? full.length() : nl;
            String line = full.substring(from, end);
            from = end + 1;
            if (line.startsWith("*")) {
                table = line.substring(1).strip();
                out.append(line).append('\n');
                existing.foreignChains().getOrDefault(table, List.of()).forEach(c -> out.append(c).append('\n'));
                rulesPending = true;
                continue;
            }
            if (rulesPending && !line.startsWith(":")) {
                existing.foreignRules().getOrDefault(table, List.of()).forEach(r -> out.append(r).append('\n'));
                rulesPending = false;
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /**
     * Input for a flushing restore that removes everything of ours in {@code existing} and keeps the
     * rest: each table holding any of ours is emptied and refilled with only the foreign content
     * (a {@code --noflush} form would have to declare every one of our chains, which is
     * super-linear in iptables-nft: see the class comment).
     */
    static String removal(Existing existing) {
        Set<String> tables = new LinkedHashSet<>(existing.chains().keySet());
        tables.addAll(existing.jumps().keySet());
        StringBuilder empty = new StringBuilder();
        tables.forEach(t -> empty.append('*').append(t).append("\nCOMMIT\n"));
        return empty.isEmpty() ? "" : replace(empty.toString(), existing);
    }
}
