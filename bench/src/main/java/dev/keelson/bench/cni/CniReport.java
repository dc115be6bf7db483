package dev.keelson.bench.cni;

import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.Samples;
import dev.keelson.bench.Target;
import dev.keelson.bench.cni.CniPlan.Phase;
import dev.keelson.bench.cni.Lineup.Entry;
import dev.keelson.bench.cni.Lineup.Kind;
import dev.keelson.bench.cni.Lineup.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the timings of a run into figures (medians, each with its peer from the same run), the
 * targets of issue 4, and notes holding every contender's median and p90.
 *
 * <p>Figures per scenario (bridge, macvlan) and phase (seq, par): exec'd ADD and DEL against the
 * reference; in-process ADD against the ADD floor, and its distance above it; exec'd and in-process
 * DEL against the DEL floor. For ipMasq: what it adds to ADD and DEL, Keelson's exec'd against the
 * reference's, and Keelson's in-process (each the difference of the medians with and without it).
 * Per phase, the spawner's own floor: a bare /bin/true spawned and reaped as the plugins are.
 */
final class CniReport {
    static final double EXEC_ADD_TARGET_MS = 3.0;
    static final double DEL_FLOOR_RATIO = 1.2;
    static final double ABOVE_FLOOR_TARGET_MS = 1.0;
    static final double MASQ_TARGET_MS = 1.0;
    static final String PEER_FLOOR = "kernel floor (C)";
    static final String SPAWN_FIGURE = "spawn floor: /bin/true via keelson-cni-exec";

    private CniReport() {
    }

    static BenchReport build(CniPlan plan, CniBench.Results results) {
        Map<Entry, Timings> t = results.timings();
        List<Figure> figures = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        for (Scenario s : List.of(Scenario.BRIDGE, Scenario.MACVLAN)) {
            for (Phase p : Phase.values()) {
                String at = " (" + p.label + ")";
                Timings ref = t.get(new Entry(s, Kind.REFERENCE));
                Timings exe = t.get(new Entry(s, Kind.EXEC));
                Timings inp = t.get(new Entry(s, Kind.IN_PROCESS));
                Timings flo = t.get(new Entry(s, Kind.FLOOR));
                String refName = "reference " + (s == Scenario.MACVLAN ? "macvlan" : "bridge") + " exec'd";
                Figure execAdd = null;
                Figure execDelRef = null;
                Figure execDelFloor = null;
                if (exe != null) {
                    execAdd = pair(s.label + " ADD exec'd" + at, exe.add(p), ref.add(p), refName);
                    execDelRef = pair(s.label + " DEL exec'd" + at, exe.del(p), ref.del(p), refName);
                    execDelFloor = pair(s.label + " DEL exec'd vs floor" + at, exe.del(p), flo.del(p), PEER_FLOOR);
                    figures.addAll(List.of(execAdd, execDelRef));
                }
                Figure inAdd = pair(s.label + " ADD in-process" + at, inp.add(p), flo.add(p), PEER_FLOOR);
                Figure above = Figure.alone(s.label + " ADD in-process above floor" + at,
                        inp.add(p).medianMillis() - flo.add(p).medianMillis(), "ms");
                Figure inDel = pair(s.label + " DEL in-process vs floor" + at, inp.del(p), flo.del(p), PEER_FLOOR);
                figures.addAll(List.of(inAdd, above));
                if (execDelFloor != null) {
                    figures.add(execDelFloor);
                }
                figures.add(inDel);
                if (p == Phase.SEQUENTIAL) {
                    String w = s.label + " (sequential)";
                    if (exe != null) {
                        targets.add(Target.valueAtMost(execAdd, EXEC_ADD_TARGET_MS, w + " exec'd ADD ≤ 3 ms median"));
                        targets.add(Target.ratioAtMost(execDelFloor, DEL_FLOOR_RATIO, w + " exec'd DEL ≤ 1.2× the kernel floor"));
                        targets.add(Target.ratioAtMost(execDelRef, 1.0, w + " exec'd DEL ≤ the reference"));
                    }
                    targets.add(Target.ratioAtMost(inDel, DEL_FLOOR_RATIO, w + " in-process DEL ≤ 1.2× the kernel floor"));
                    targets.add(Target.valueAtMost(above, ABOVE_FLOOR_TARGET_MS, w + " in-process ADD ≤ 1 ms above the ADD floor"));
                }
            }
        }
        for (Phase p : Phase.values()) {
            String at = " (" + p.label + ")";
            for (String verb : List.of("ADD", "DEL")) {
                Figure f = new Figure("ipMasq extra " + verb + " exec'd" + at, extra(t, Kind.EXEC, verb, p),
                        extra(t, Kind.REFERENCE, verb, p), "reference (iptables)", "ms");
                figures.add(f);
                figures.add(Figure.alone("ipMasq extra " + verb + " in-process" + at, extra(t, Kind.IN_PROCESS, verb, p), "ms"));
                if (p == Phase.SEQUENTIAL && verb.equals("ADD")) {
                    targets.add(Target.valueAtMost(f, MASQ_TARGET_MS, "ipMasq adds ≤ 1 ms to an exec'd " + verb + " (sequential)"));
                }
            }
            figures.add(Figure.alone(SPAWN_FIGURE + at, results.spawn().add(p).medianMillis(), "ms"));
        }

        Figure stepAdd = Figure.alone("ipMasq step in ADD (nftables setup, alone)", results.masqSetup().medianMillis(), "ms");
        Figure stepDel = Figure.alone("ipMasq step in DEL (nftables teardown, alone)", results.masqTeardown().medianMillis(), "ms");
        figures.add(stepAdd);
        figures.add(stepDel);
        targets.add(Target.valueAtMost(stepAdd, MASQ_TARGET_MS, "the ipMasq step adds ≤ 1 ms to an ADD"));
        targets.add(Target.valueAtMost(stepDel, MASQ_TARGET_MS, "the ipMasq step adds ≤ 1 ms to a DEL"));

        List<String> notes = new ArrayList<>();
        notes.add(plan.sequential() + " ADDs + DELs one at a time, then " + plan.parallel() + " by " + plan.workers()
                + " workers at once, per contender; one at a time the contenders' calls alternate call by call, in"
                + " parallel batch by batch (" + plan.parallelBatch() + "), the order rotating every step; warm-up "
                + plan.oursWarmup() + " pairs (keelson), " + plan.refWarmup() + " (reference)");
        notes.add("exec'd calls (reference and keelson) are spawned and timed by keelson-cni-exec (C, posix_spawn) in"
                + " the node namespace, from just before the spawn to stdout at EOF and the child reaped; its floor is the"
                + " spawn floor row (/bin/true spawned the same way). The floor times itself in C (pod socket + requests);"
                + " in-process calls run Skeleton.run on a node-namespace thread");
        notes.add("ipMasq extra: median with ipMasq minus median without, same kind of call; keelson on nftables,"
                + " the reference on iptables. A DEL's median moves by several ms with the kernel's veth deletion, so"
                + " the DEL extra is within noise; the ipMasq step rows time IpMasq.setup/teardown alone (node"
                + " namespace, " + plan.sequential() + " other containers' masquerades in the table)");
        notes.addAll(contenderTable(t, results.spawn()));
        return new BenchReport("cni", figures, targets, notes);
    }

    private static Figure pair(String name, Samples ours, Samples peer, String peerName) {
        return new Figure(name, ours.medianMillis(), peer.medianMillis(), peerName, "ms");
    }

    /** Median with ipMasq minus median without, for one way of running the bridge; NaN when not measured. */
    private static Double extra(Map<Entry, Timings> t, Kind k, String verb, Phase p) {
        Timings masq = t.get(new Entry(Scenario.MASQ, k));
        Timings plain = t.get(new Entry(Scenario.BRIDGE, k));
        if (masq == null || plain == null) {
            return Double.NaN;
        }
        Samples a = verb.equals("ADD") ? masq.add(p) : masq.del(p);
        Samples b = verb.equals("ADD") ? plain.add(p) : plain.del(p);
        return a.medianMillis() - b.medianMillis();
    }

    /** Every contender's median / p90 in ms, and the spawn floor's, as lines of a small table. */
    static List<String> contenderTable(Map<Entry, Timings> t, Timings spawn) {
        List<String> lines = new ArrayList<>();
        Map<String, Timings> rows = new LinkedHashMap<>();
        t.forEach((e, v) -> rows.put(e.label(), v));
        rows.put(CniBench.SPAWN_LABEL, spawn);
        int w = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
        lines.add(String.format(Locale.ROOT, "%-" + w + "s  %-15s  %-15s  %-15s  %-15s", "median / p90 in ms",
                "ADD seq", "DEL seq", "ADD par", "DEL par"));
        for (Map.Entry<String, Timings> e : rows.entrySet()) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", e.getKey()));
            for (Phase p : Phase.values()) {
                b.append("  ").append(cell(e.getValue().add(p)));
                b.append("  ").append(cell(e.getValue().del(p)));
            }
            lines.add(b.toString());
        }
        return lines;
    }

    private static String cell(Samples s) {
        return String.format(Locale.ROOT, "%-15s", String.format(Locale.ROOT, "%.2f / %.2f", s.medianMillis(),
                s.percentileNanos(90) / 1e6));
    }
}
