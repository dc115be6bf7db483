package dev.keelson.proxy.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a full {@code iptables-restore --noflush} input into one that also adopts what is already
 * there: every existing {@code KUBE-} chain is declared (so flushed) first, the existing jumps from
 * built-in chains into {@code KUBE-} chains are deleted (the full input re-adds them), and
 * {@code KUBE-} chains the new state no longer has are deleted at the end. Each table's section is
 * still one COMMIT, so the swap is atomic per table.
 */
final class RestoreInput {
    private static final Set<String> BUILTIN = Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");
    static final String PREFIX = "KUBE-";

    private RestoreInput() {
    }

    /** What an {@code iptables-save} text holds of ours, per table: chains, and built-in rules that jump to them. */
    record Existing(Map<String, Set<String>> chains, Map<String, List<String>> jumps) {
    }

    static Existing parse(String save) {
        Map<String, Set<String>> chains = new LinkedHashMap<>();
        Map<String, List<String>> jumps = new LinkedHashMap<>();
        String table = null;
        for (String line : save.split("\n")) {
            if (line.startsWith("*")) {
                table = line.substring(1).strip();
            } else if (table != null && line.startsWith(":" + PREFIX)) {
                chains.computeIfAbsent(table, t -> new LinkedHashSet<>()).add(line.substring(1, line.indexOf(' ')));
            } else if (table != null && line.startsWith("-A ")) {
                String[] w = line.split(" ", 3);
                if (BUILTIN.contains(w[1]) && line.contains(" -j " + PREFIX)) {
                    jumps.computeIfAbsent(table, t -> new ArrayList<>()).add(line.substring(3));
                }
            }
        }
        return new Existing(chains, jumps);
    }

    /** {@code full} (filter and nat sections) wrapped so that it replaces {@code existing}. */
    static String adopt(String full, Existing existing) {
        StringBuilder out = new StringBuilder();
        String table = null;
        Set<String> declared = new LinkedHashSet<>();
        for (String line : full.split("\n")) {
            if (line.startsWith("*")) {
                table = line.substring(1).strip();
                declared.clear();
                out.append(line).append('\n');
                existing.chains().getOrDefault(table, Set.of()).forEach(c -> out.append(':').append(c).append(" - [0:0]\n"));
                existing.jumps().getOrDefault(table, List.of()).forEach(j -> out.append("-D ").append(j).append('\n'));
                continue;
            }
            if (line.equals("COMMIT")) {
                for (String c : existing.chains().getOrDefault(table, Set.of())) {
                    if (!declared.contains(c)) {
                        out.append("-X ").append(c).append('\n');
                    }
                }
            } else if (line.startsWith(":")) {
                declared.add(line.substring(1, line.indexOf(' ')));
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** Input that removes everything in {@code existing}. */
    static String removal(Existing existing) {
        StringBuilder out = new StringBuilder();
        Set<String> tables = new LinkedHashSet<>(existing.chains().keySet());
        tables.addAll(existing.jumps().keySet());
        for (String t : tables) {
            out.append('*').append(t).append('\n');
            Set<String> chains = existing.chains().getOrDefault(t, Set.of());
            chains.forEach(c -> out.append(':').append(c).append(" - [0:0]\n"));
            existing.jumps().getOrDefault(t, List.of()).forEach(j -> out.append("-D ").append(j).append('\n'));
            chains.forEach(c -> out.append("-X ").append(c).append('\n'));
            out.append("COMMIT\n");
        }
        return out.toString();
    }
}
