package dev.keelson.bench.netns;

import dev.keelson.bench.BenchArea;
import dev.keelson.bench.BenchOptions;
import dev.keelson.bench.BenchPrograms;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.Samples;
import dev.keelson.bench.Progress;
import dev.keelson.bench.Target;
import dev.keelson.netns.NetnsDirectory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code keelson bench netns}: creating and deleting a pinned network namespace, Keelson against
 * the kernel floor (the same system calls in a C loop) and against {@code ip netns add/del}, all in
 * one run and interleaved round by round; then taking a namespace from Keelson's warm pool.
 *
 * <p>Keelson and the C floor pin under their own directory ({@value #ROOT}), {@code ip} under
 * /run/netns as it always does; every pin carries a prefix unique to this process and is removed
 * before {@link #run} returns (see {@link Leftovers}). Only new namespaces are created: the
 * host's own is never changed.
 */
public final class NetnsBench implements BenchArea {
    /** Where Keelson's contender, the C floor and the pool pin (not /run/netns: keep `ip netns list` clean). */
    public static final String ROOT = "/run/keelson/bench-netns";
    static final String FLOOR_PROGRAM = "keelson-netns-floor";
    static final String PEER_FLOOR = "kernel floor (C)";
    static final double CREATE_TARGET_RATIO = 1.15;
    static final double POOL_TAKE_TARGET_MICROS = 50;

    private final Path root;
    private final Plan fixedPlan;

    public NetnsBench() {
        this(Path.of(ROOT), null);
    }

    /** For tests: another pin root and a plan of their own (null: from the options). */
    NetnsBench(Path root, Plan plan) {
        this.root = root;
        this.fixedPlan = plan;
    }

    @Override
    public String name() {
        return "netns";
    }

    @Override
    public String description() {
        return "netns create+pin and delete: Keelson vs the kernel floor (C) and `ip netns`; warm-pool take";
    }

    @Override
    public BenchReport run(BenchOptions options, PrintStream progress) throws Exception {
        Plan plan = fixedPlan != null ? fixedPlan : Plan.of(options.quick());
        Path floor = BenchPrograms.floorProgram(FLOOR_PROGRAM);
        Optional<Path> ip = BenchPrograms.tool("ip");
        String tag = "keelson-bench-" + ProcessHandle.current().pid() + "-";
        String poolPrefix = "keelson-bench-pool-" + ProcessHandle.current().pid() + "-";
        NetnsDirectory dir = NetnsDirectory.of(root);

        List<Leftovers.Sweep> sweeps = new ArrayList<>(List.of(
                new Leftovers.Sweep(root, tag), new Leftovers.Sweep(root, poolPrefix)));
        ip.ifPresent(x -> sweeps.add(new Leftovers.Sweep(NetnsDirectory.DEFAULT_ROOT, tag)));

        try (Leftovers left = new Leftovers(sweeps)) {
            Contenders c = new Contenders(
                    new KeelsonContender(dir, tag + "k"),
                    new FloorContender(floor, root, tag + "f", plan.floorWarmup(), left::process),
                    ip.map(p -> new IpContender(p, tag + "ip")).orElse(null));
            warmUp(c, plan, left, progress);
            interleave(c, plan, left, progress);
            Samples take = new PoolTake(dir, poolPrefix, plan, left).run(progress);

            List<String> failures = new ArrayList<>();
            List<String> stray = left.sweep(failures);
            List<String> notes = notes(plan, ip, c);
            // A clean run leaves nothing for this sweep; anything it finds is a bug worth showing.
            if (!stray.isEmpty()) {
                notes.add("removed " + stray.size() + " pin(s) that the run left behind: " + String.join(", ", stray));
            }
            for (String f : failures) {
                notes.add("could not remove a pin: " + f);
            }
            try {
                dir.destroy(); // the pin root is this benchmark's own: leave no mount point behind
            } catch (RuntimeException e) {
                notes.add("could not remove " + root + ": " + e.getMessage());
            }
            return report(c, take, notes);
        }
    }

    private static void warmUp(Contenders c, Plan plan, Leftovers left, PrintStream progress) throws Exception {
        progress.println("netns: warming up (" + plan.keelsonWarmup() + " keelson, " + plan.ipWarmup()
                + " ip pairs; the C floor warms up " + plan.floorWarmup() + " pairs per process)");
        int step = 500;
        Progress line = Progress.on(progress);
        for (int done = 0; done < plan.keelsonWarmup(); done += step) {
            int n = Math.min(step, plan.keelsonWarmup() - done);
            left.guarded(() -> c.keelson().warmUp(n));
            line.update("netns: warm-up " + (done + n) + "/" + plan.keelsonWarmup() + " keelson pairs");
        }
        line.end();
        if (c.ip() != null) {
            left.guarded(() -> c.ip().warmUp(plan.ipWarmup()));
        }
    }

    /**
     * Runs the contenders in turns, one batch each per round, rotating who goes first so that none is
     * always measured right after another's burst of namespace teardown (the kernel frees network
     * namespaces asynchronously, in a workqueue).
     */
    private static void interleave(Contenders c, Plan plan, Leftovers left, PrintStream progress) throws Exception {
        List<Contender> order = c.list();
        int rounds = plan.rounds();
        Progress line = Progress.on(progress);
        for (int r = 0; r < rounds; r++) {
            int n = plan.batchOf(r);
            for (int k = 0; k < order.size(); k++) {
                Contender x = order.get((r + k) % order.size());
                left.guarded(() -> x.run(n, plan.pauseNanos(), c.createOf(x), c.deleteOf(x)));
            }
            line.update("netns: round " + (r + 1) + "/" + rounds + ", " + c.keelsonCreate().count()
                    + " of " + plan.iterations() + " pairs per contender");
        }
        line.end();
    }

    static List<String> notes(Plan plan, Optional<Path> ip, Contenders c) {
        List<String> notes = new ArrayList<>();
        notes.add(c.keelsonCreate().count() + " create/delete pairs per contender after warm-up, interleaved in "
                + plan.rounds() + " rounds; each create and delete starts after an untimed "
                + plan.pauseMicros() / 1000.0 + " ms pause; pool take: "
                + plan.poolTakes() + " takes from a pool of " + plan.poolSize());
        if (ip.isPresent()) {
            notes.add("ip netns add/del is timed from this JVM, process spawn included (as any caller pays)");
        } else {
            notes.add("`ip` (iproute2) was not found on PATH or in /usr/sbin, /sbin: the ip figures have no peer"
                    + " (apt-get install iproute2)");
        }
        return notes;
    }

    static BenchReport report(Contenders c, Samples take, List<String> notes) {
        double kc = c.keelsonCreate().medianMillis();
        double kd = c.keelsonDelete().medianMillis();
        Figure create = new Figure("create", kc, c.floorCreate().medianMillis(), PEER_FLOOR, "ms");
        Figure delete = new Figure("delete", kd, c.floorDelete().medianMillis(), PEER_FLOOR, "ms");
        boolean ip = c.ip() != null;
        Figure createIp = new Figure("create vs ip netns add", kc,
                ip ? c.ipCreate().medianMillis() : null, ip ? "ip netns add" : null, "ms");
        Figure deleteIp = new Figure("delete vs ip netns del", kd,
                ip ? c.ipDelete().medianMillis() : null, ip ? "ip netns del" : null, "ms");
        Figure pool = Figure.alone("pool take", take.medianMicros(), "µs");
        List<Target> targets = List.of(
                Target.ratioAtMost(create, CREATE_TARGET_RATIO, "create ≤ " + CREATE_TARGET_RATIO + "× the kernel floor (C)"),
                Target.valueAtMost(pool, POOL_TAKE_TARGET_MICROS, "pool take ≤ " + (int) POOL_TAKE_TARGET_MICROS + " µs"));
        return new BenchReport("netns", List.of(create, createIp, delete, deleteIp, pool), targets, notes);
    }
}
