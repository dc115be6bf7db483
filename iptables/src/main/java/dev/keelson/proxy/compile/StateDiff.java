package dev.keelson.proxy.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What differs between two compiled states, so that a sync rewrites only that: units added, removed
 * and changed (with old and new), the elements of the shared sets to add and delete, and the
 * affinity timeouts in use afterwards.
 */
public record StateDiff(List<ServicePortRules> added, List<ServicePortRules> removed, List<Change> changed,
                        SortedSet<String> clusterIPsAdded, SortedSet<String> clusterIPsRemoved,
                        SortedSet<String> hairpinAdded, SortedSet<String> hairpinRemoved,
                        SortedSet<String> affinityAdded, SortedSet<String> affinityRemoved,
                        SortedSet<String> affinityInUse) {

    /** A unit present on both sides with different content. */
    public record Change(ServicePortRules before, ServicePortRules after) {
    }

    /** Compares {@code before} with {@code after}. Both must be compiled for the same node configuration. */
    public static StateDiff between(CompiledState before, CompiledState after) {
        if (!before.node().equals(after.node())) {
            throw new IllegalArgumentException("node configuration changed: a full load is needed");
        }
        List<ServicePortRules> added = new ArrayList<>();
        List<ServicePortRules> removed = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        after.ports().forEach((k, v) -> {
            ServicePortRules old = before.ports().get(k);
            if (old == null) {
                added.add(v);
            } else if (!old.equals(v)) {
                changed.add(new Change(old, v));
            }
        });
        before.ports().forEach((k, v) -> {
            if (!after.ports().containsKey(k)) {
                removed.add(v);
            }
        });
        return new StateDiff(added, removed, changed,
                minus(after.clusterIPs(), before.clusterIPs()), minus(before.clusterIPs(), after.clusterIPs()),
                minus(after.hairpin(), before.hairpin()), minus(before.hairpin(), after.hairpin()),
                minus(after.affinityTimes(), before.affinityTimes()),
                minus(before.affinityTimes(), after.affinityTimes()), after.affinityTimes());
    }

    /** Whether nothing changed. */
    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty() && clusterIPsAdded.isEmpty()
                && clusterIPsRemoved.isEmpty() && hairpinAdded.isEmpty() && hairpinRemoved.isEmpty()
                && affinityAdded.isEmpty() && affinityRemoved.isEmpty();
    }

    private static SortedSet<String> minus(SortedSet<String> a, SortedSet<String> b) {
        TreeSet<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
