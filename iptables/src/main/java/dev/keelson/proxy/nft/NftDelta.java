package dev.keelson.proxy.nft;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * One incremental nft transaction, split by what it touches: elements to delete, commands on
 * chains, rules and sets, and elements to add (applied in that order). When {@link #commands()} is
 * empty the change is elements only, which the backend writes as one raw netlink batch.
 *
 * @param deletes  map or set name to key to value ("" for a set element), removed first
 * @param commands nft commands (one per line, with newline) on chains, rules and sets
 * @param adds     map or set name to key to value, added last
 * @param record6  when the commands rewrite {@code affinity-record}: its IPv6 rules, which the
 *                 backend appends over netlink once the commands are committed (libnftables cannot
 *                 build them; see {@link AffinityRecord6})
 */
public record NftDelta(SortedMap<String, SortedMap<String, String>> deletes, List<String> commands,
                       SortedMap<String, SortedMap<String, String>> adds, List<AffinityRecord6.Rule> record6) {

    /** Whether only elements change (no chain, rule or set command). */
    public boolean elementsOnly() {
        return commands.isEmpty();
    }

    /** Whether nothing changes. */
    public boolean isEmpty() {
        return deletes.isEmpty() && commands.isEmpty() && adds.isEmpty();
    }

    /** The same transaction as an nft script (what libnftables runs, and what a netlink batch is equivalent to). */
    public String script() {
        StringBuilder sb = new StringBuilder();
        deletes.forEach((m, e) -> sb.append(line("delete", m, e)));
        commands.forEach(sb::append);
        adds.forEach((m, e) -> sb.append(line("add", m, e)));
        sb.append(AffinityRecord6.comment(record6));
        return sb.toString();
    }

    static String line(String op, String map, Map<String, String> e) {
        if (e.isEmpty()) {
            return "";
        }
        StringBuilder items = new StringBuilder();
        // "delete element" takes keys only; a changed map value is a delete of the key plus an add.
        e.forEach((k, v) -> items.append(items.isEmpty() ? "" : ", ")
                .append(v.isEmpty() || op.equals("delete") ? k : k + " : " + v));
        return op + " element inet " + NftTable.TABLE + " " + map + " { " + items + " }\n";
    }
}
