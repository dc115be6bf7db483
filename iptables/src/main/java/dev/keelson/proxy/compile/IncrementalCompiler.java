package dev.keelson.proxy.compile;

import dev.keelson.proxy.model.PersistentMap;
import dev.keelson.proxy.model.PersistentSet;
import dev.keelson.proxy.model.Service;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.model.Snapshot;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link Compiler#compile} done over again for only the Services that changed since the previous
 * snapshot, with the {@link StateDiff} produced from the recompiled units directly.
 *
 * <pre>
 *   update(next) ─► snapshot.changedServices(next)   (persistent-map diff: O(changes · log n))
 *                      │ for each changed Service: drop its old units, compile its new ones
 *                      ▼
 *                 units by key ─► added / removed / changed     shared sets by reference count
 *                      │                                          (ClusterIPs, hairpin, affinity)
 *                      ▼
 *                 CompiledState (persistent maps, sharing the unchanged units) + StateDiff
 * </pre>
 *
 * The result equals {@code Compiler.compile(next, node)} and {@code StateDiff.between(previous,
 * result)}; {@code IncrementalCompilerTest} checks that over random edit sequences. The first
 * update, one that changes most Services, and the one after a failure compile in full instead.
 * Not thread-safe: one owner (the sync loop) calls it.
 */
public final class IncrementalCompiler {

    /**
     * The outcome of one {@link #update}.
     *
     * @param before the state compiled from the previous snapshot
     * @param after  the state compiled from the new one
     * @param diff   {@code StateDiff.between(before, after)}
     */
    public record Step(CompiledState before, CompiledState after, StateDiff diff) {
    }

    private final NodeConfig node;
    private Snapshot snapshot;
    private CompiledState state;
    /** Every unit each Service produced, in compile order (a later one with the same key wins the map). */
    private final Map<ServiceRef, List<ServicePortRules>> units = new HashMap<>();
    private final Map<String, Integer> clusterIPRefs = new HashMap<>();
    private final Map<String, Integer> hairpinRefs = new HashMap<>();
    private final Map<String, Integer> affinityRefs = new HashMap<>();
    private long endpoints;
    private boolean stale = true;

    /** A compiler for {@code node}, starting from the empty snapshot. */
    public IncrementalCompiler(NodeConfig node) {
        this.node = node;
        this.snapshot = Snapshot.empty();
        this.state = Compiler.compile(snapshot, node);
    }

    /** The node configuration it compiles for. */
    public NodeConfig node() {
        return node;
    }

    /** The state compiled by the last update. */
    public CompiledState state() {
        return state;
    }

    /** The number of usable endpoints summed over all units (what a full count of {@code state()} gives). */
    public long endpointCount() {
        return endpoints;
    }

    /** Compiles {@code next}, reusing every unit of a Service that did not change. */
    public Step update(Snapshot next) {
        CompiledState before = state;
        try {
            if (stale) {
                rebuild(next);
                return new Step(before, state, StateDiff.between(before, state));
            }
            SortedSet<ServiceRef> changed = snapshot.changedServices(next);
            if (changed.size() > 64 && changed.size() > next.services().size() / 4) {
                // Most of it changed: one pass with linear-time set builds beats per-key path copies.
                rebuild(next);
                return new Step(before, state, StateDiff.between(before, state));
            }
            return apply(changed, next);
        } catch (RuntimeException e) {
            stale = true;
            throw e;
        }
    }

    /** Forgets the bookkeeping so the next update compiles in full (after a failure, for instance). */
    public void invalidate() {
        stale = true;
    }

    private void rebuild(Snapshot next) {
        stale = true;
        units.clear();
        clusterIPRefs.clear();
        hairpinRefs.clear();
        affinityRefs.clear();
        endpoints = 0;
        TreeMap<String, ServicePortRules> ports = new TreeMap<>();
        for (Service s : next.services().values()) {
            List<ServicePortRules> list = Compiler.units(s, next.slicesOf(s.ref()), node);
            count(s, list, +1, null);
            units.put(s.ref(), list);
            list.forEach(r -> ports.put(r.key(), r));
        }
        ports.values().forEach(r -> endpoints += r.endpoints().size());
        state = new CompiledState(node, ports, new TreeSet<>(clusterIPRefs.keySet()),
                new TreeSet<>(hairpinRefs.keySet()), new TreeSet<>(affinityRefs.keySet()));
        snapshot = next;
        stale = false;
    }

    private Step apply(SortedSet<ServiceRef> changed, Snapshot next) {
        CompiledState before = state;
        TreeMap<String, ServicePortRules> old = new TreeMap<>();
        TreeMap<String, ServicePortRules> now = new TreeMap<>();
        Touched touched = new Touched();
        for (ServiceRef ref : changed) {
            List<ServicePortRules> was = units.remove(ref);
            if (was != null) {
                count(snapshot.services().get(ref), was, -1, touched);
                was.forEach(r -> old.put(r.key(), before.ports().get(r.key())));
            }
            Service s = next.services().get(ref);
            if (s != null) {
                List<ServicePortRules> list = Compiler.units(s, next.slicesOf(ref), node);
                count(s, list, +1, touched);
                units.put(ref, list);
                list.forEach(r -> now.put(r.key(), r));
            }
        }
        PersistentMap<String, ServicePortRules> ports = PersistentMap.copyOf(before.ports());
        List<ServicePortRules> added = new ArrayList<>();
        List<ServicePortRules> removed = new ArrayList<>();
        List<StateDiff.Change> changes = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(old.keySet());
        keys.addAll(now.keySet());
        for (String k : keys) {
            ServicePortRules a = old.get(k);
            ServicePortRules b = now.get(k);
            if (a == null) {
                added.add(b);
                ports = ports.plus(k, b);
                endpoints += b.endpoints().size();
            } else if (b == null) {
                removed.add(a);
                ports = ports.minus(k);
                endpoints -= a.endpoints().size();
            } else if (!a.equals(b)) {
                changes.add(new StateDiff.Change(a, b));
                ports = ports.plus(k, b);
                endpoints += b.endpoints().size() - a.endpoints().size();
            }
        }
        SetDelta cips = SetDelta.of(before.clusterIPs(), touched.clusterIPs, clusterIPRefs);
        SetDelta hairpin = SetDelta.of(before.hairpin(), touched.hairpin, hairpinRefs);
        SetDelta affinity = SetDelta.of(before.affinityTimes(), touched.affinity, affinityRefs);
        state = new CompiledState(node, ports, cips.set, hairpin.set, affinity.set);
        snapshot = next;
        return new Step(before, state, new StateDiff(added, removed, changes, cips.added, cips.removed,
                hairpin.added, hairpin.removed, affinity.added, affinity.removed, affinity.set));
    }

    /** Adds ({@code sign} +1) or drops (-1) what a Service's units contribute to the shared sets. */
    private void count(Service s, List<ServicePortRules> list, int sign, Touched touched) {
        if (s != null) {
            for (InetAddress cip : s.clusterIPs()) {
                ref(clusterIPRefs, CompiledState.addressKey(cip), sign, touched == null ? null : touched.clusterIPs);
            }
        }
        for (ServicePortRules r : list) {
            r.endpoints().forEach(b -> ref(hairpinRefs, CompiledState.addressKey(b), sign,
                    touched == null ? null : touched.hairpin));
            if (r.affinitySeconds() > 0) {
                ref(affinityRefs, Compiler.affinityKey(r), sign, touched == null ? null : touched.affinity);
            }
        }
    }

    private static void ref(Map<String, Integer> refs, String key, int sign, Set<String> touched) {
        refs.merge(key, sign, (a, b) -> a + b == 0 ? null : a + b);
        if (touched != null) {
            touched.add(key);
        }
    }

    /** Shared-set keys whose reference count moved during one update. */
    private static final class Touched {
        final Set<String> clusterIPs = new TreeSet<>();
        final Set<String> hairpin = new TreeSet<>();
        final Set<String> affinity = new TreeSet<>();
    }

    /** A shared set after one update and the elements that entered and left it. */
    private record SetDelta(PersistentSet<String> set, SortedSet<String> added, SortedSet<String> removed) {
        static SetDelta of(SortedSet<String> before, Set<String> touched, Map<String, Integer> refs) {
            PersistentSet<String> set = PersistentSet.copyOf(before);
            TreeSet<String> added = new TreeSet<>();
            TreeSet<String> removed = new TreeSet<>();
            for (String k : touched) {
                boolean was = set.contains(k);
                boolean is = refs.containsKey(k);
                if (is && !was) {
                    added.add(k);
                    set = set.plus(k);
                } else if (was && !is) {
                    removed.add(k);
                    set = set.minus(k);
                }
            }
            return new SetDelta(set, added, removed);
        }
    }
}
