package dev.keelson.bench.cni;

import dev.keelson.bench.BenchArea;
import dev.keelson.bench.BenchOptions;
import dev.keelson.bench.BenchPrograms;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Progress;
import dev.keelson.bench.Samples;
import dev.keelson.bench.cni.CniPlan.Phase;
import dev.keelson.bench.cni.Lineup.Entry;
import dev.keelson.bench.cni.Lineup.Kind;
import dev.keelson.bench.cni.Lineup.Scenario;
import dev.keelson.cni.daemon.Installer;
import dev.keelson.cni.plugins.bridge.BridgePlugin;
import dev.keelson.cni.plugins.macvlan.MacvlanPlugin;
import dev.keelson.cni.skel.Skeleton;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.Links;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code keelson bench cni}: CNI ADD and DEL of {@code bridge}+{@code host-local} and
 * {@code macvlan}+{@code host-local}, and of a bridge config with {@code ipMasq}, side by side in one
 * run: the reference plugins (containernetworking/plugins, exec'd from /usr/lib/cni), Keelson's
 * exec'd through the fast path (the thin client that {@code keelson cni install} places, talking to
 * a warm daemon), Keelson's in-process, and the kernel floor (the unavoidable netlink requests, in
 * C). Exec'd calls are spawned and timed by a lean C spawner ({@link Spawner}), whose own floor — a
 * bare {@code /bin/true} — is measured alongside. First one call at a time, then several workers
 * at once; the contenders' calls are interleaved one by one (in the parallel phase batch by batch),
 * the order rotating.
 *
 * <p>Safety: all host-side work happens in a "node" namespace made for the run. Plugins are exec'd by
 * a spawner that enters it, and the daemon and the C helpers are started from threads inside it (a child process starts in its parent thread's
 * namespace); in-process plugins run on such threads. This JVM's own namespace is read before and
 * after the run, and a link that appeared there fails the run. See {@link Site} for what is made
 * and how it is removed.
 */
public final class CniBench implements BenchArea {
    /** Where each run makes its private directory. */
    public static final Path ROOT = Path.of("/run/keelson");
    static final String FLOOR_PROGRAM = "keelson-cni-floor";
    static final String CLIENT_PROGRAM = "keelson-cni-client";
    static final Path REFERENCE_DIR = Path.of("/usr/lib/cni");
    static final String FLOOR_BRIDGE = new Entry(Scenario.BRIDGE, Kind.FLOOR).lower();
    static final String SPAWNER_PROGRAM = "keelson-cni-exec";
    static final String SPAWN_LABEL = "spawn floor (/bin/true via keelson-cni-exec)";
    private static final Path TRUE = Path.of("/bin/true");

    private final CniPlan fixedPlan;
    private final Path root;

    public CniBench() {
        this(ROOT, null);
    }

    /** For tests: another root for the run's directory and a plan of their own (null: from the options). */
    CniBench(Path root, CniPlan plan) {
        this.root = root;
        this.fixedPlan = plan;
    }

    @Override
    public String name() {
        return "cni";
    }

    @Override
    public String description() {
        return "CNI bridge/macvlan ADD+DEL: reference exec'd vs Keelson exec'd (client+daemon) and in-process, kernel floors (C)";
    }

    @Override
    public BenchReport run(BenchOptions options, PrintStream progress) throws Exception {
        CniPlan plan = fixedPlan != null ? fixedPlan : CniPlan.of(options.quick());
        Path floor = BenchPrograms.floorProgram(FLOOR_PROGRAM);
        Path spawner = BenchPrograms.floorProgram(SPAWNER_PROGRAM);
        Path client = clientProgram();
        for (String p : List.of("bridge", "macvlan", "host-local")) {
            if (!Files.isExecutable(REFERENCE_DIR.resolve(p))) {
                throw new IllegalStateException("the reference plugin " + REFERENCE_DIR.resolve(p)
                        + " is missing: apt-get install containernetworking-plugins");
            }
        }
        Set<String> hostBefore = ownLinks();
        Results results;
        try (Site site = Site.open(root.resolve("bench-cni-" + ProcessHandle.current().pid()))) {
            results = measure(plan, site, floor, spawner, client, progress);
        }
        Set<String> appeared = new TreeSet<>(ownLinks());
        appeared.removeAll(hostBefore);
        if (!appeared.isEmpty()) {
            throw new IllegalStateException("links appeared in this JVM's own network namespace during the run: " + appeared);
        }
        return CniReport.build(plan, results);
    }

    /**
     * What a run measured: each contender's timings, and the spawner's own floor (a bare
     * {@code /bin/true} spawned and reaped by keelson-cni-exec, interleaved with the others).
     */
    record Results(Map<Entry, Timings> timings, Timings spawn, Samples masqSetup, Samples masqTeardown) {
    }

    private static Results measure(CniPlan plan, Site site, Path floor, Path spawnerProgram, Path client,
                                   PrintStream progress) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Installer.install(client, site.bin(), List.of("bridge", "macvlan", "host-local"),
                Installer.fallbackCommand(java, System.getProperty("java.class.path")));

        List<String> masters = new ArrayList<>();
        for (Kind k : Kind.values()) {
            masters.add(new Entry(Scenario.MACVLAN, k).lower());
        }
        site.prepareNode(FLOOR_BRIDGE, masters);
        progress.println("cni: starting the Keelson CNI daemon (a JVM in the node namespace)");
        site.startDaemon();
        Spawner spawner = Spawner.start(spawnerProgram, site.node(), site.log("spawner"), site::track);

        Map<Entry, List<Pod>> pools = new LinkedHashMap<>();
        for (Entry e : entries()) {
            pools.put(e, null);
        }
        progress.println("cni: making " + (pools.size() + 1) * plan.poolSize() + " pod namespaces ("
                + (pools.size() + 1) + " contenders × " + plan.poolSize() + ")");
        for (Entry e : pools.keySet()) {
            pools.put(e, site.pods(e.id(), plan.poolSize()));
        }
        List<Pod> spawnPods = site.pods("kbench-spawn", plan.poolSize());

        // The lineup, in a fixed order that each round rotates: contenders, then the spawn floor.
        List<Contender> lineup = new ArrayList<>();
        List<List<Pod>> lineupPods = new ArrayList<>();
        List<Timings> lineupTimings = new ArrayList<>();
        Map<Entry, Timings> timings = new LinkedHashMap<>();
        Timings spawn = new Timings();
        try {
            for (Map.Entry<Entry, List<Pod>> e : pools.entrySet()) {
                lineup.add(contender(e.getKey(), site, floor, spawner, e.getValue()));
                lineupPods.add(e.getValue());
                Timings t = new Timings();
                timings.put(e.getKey(), t);
                lineupTimings.add(t);
            }
            lineup.add(ExecContender.bare(SPAWN_LABEL, spawner, TRUE));
            lineupPods.add(spawnPods);
            lineupTimings.add(spawn);

            Progress line = Progress.on(progress);
            for (int c = 0; c < lineup.size(); c++) {
                Entry e = c < timings.size() ? List.copyOf(timings.keySet()).get(c) : null;
                int pairs = e == null || e.kind() == Kind.FLOOR ? plan.poolSize()
                        : e.kind() == Kind.REFERENCE ? plan.refWarmup() : plan.oursWarmup();
                line.update("cni: warm-up: " + pairs + " ADD/DEL pairs of " + lineup.get(c).label());
                lineup.get(c).warmUp(lineupPods.get(c), pairs, plan.workers());
            }
            line.end();

            int n = lineup.size();
            for (Phase phase : Phase.values()) {
                int rounds = plan.rounds(phase);
                int workers = plan.workersOf(phase);
                for (int r = 0; r < rounds; r++) {
                    int batch = plan.batchOf(phase, r);
                    line.update("cni: " + phase.label + " round " + (r + 1) + "/" + rounds + ": " + batch + " ADD+DEL per contender, "
                            + workers + " worker(s)");
                    // Sequential: call by call — pod i's ADD by every contender in turn, then the next
                    // pod's; then the DELs likewise. Parallel: every contender's batch of W at once, in
                    // turn. The order rotates with every step, so that the kernel's deferred teardown
                    // and the machine's noise fall on all contenders alike.
                    int steps = workers == 1 ? batch : 1;
                    for (boolean add : new boolean[] {true, false}) {
                        for (int s = 0; s < steps; s++) {
                            for (int k = 0; k < n; k++) {
                                int c = (r * steps + s + k) % n;
                                List<Pod> pool = lineupPods.get(c);
                                List<Pod> pods = workers == 1 ? List.of(pool.get(s)) : pool.subList(0, batch);
                                Contender who = lineup.get(c);
                                Samples into = add ? lineupTimings.get(c).add(phase) : lineupTimings.get(c).del(phase);
                                for (long v : add ? who.add(pods, workers) : who.del(pods, workers)) {
                                    into.add(v);
                                }
                            }
                        }
                    }
                }
                line.end();
            }
        } finally {
            for (Contender c : lineup) {
                c.close();
            }
            spawner.close();
        }
        if (!site.daemonAlive()) {
            throw new IOException("the Keelson CNI daemon died during the run: the exec'd figures would be the JVM fallback's");
        }
        progress.println("cni: the ipMasq step alone, " + plan.sequential() + " setups and teardowns");
        Samples[] masq = MasqStep.measure(site.node(), plan.sequential(), plan.sequential());
        return new Results(timings, spawn, masq[0], masq[1]);
    }

    /** Every contender: each scenario × kind, but the floor has no ipMasq variant. */
    static List<Entry> entries() {
        List<Entry> list = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            for (Kind k : Kind.values()) {
                if (!(s == Scenario.MASQ && k == Kind.FLOOR)) {
                    list.add(new Entry(s, k));
                }
            }
        }
        return list;
    }

    private static Contender contender(Entry e, Site site, Path floor, Spawner spawner, List<Pod> pool) {
        String config = e.config(site.dataDir(e.id()).toString());
        Map<String, String> base = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return switch (e.kind()) {
            case REFERENCE -> new ExecContender(e.label(), spawner, REFERENCE_DIR.resolve(pluginOf(e)),
                    withEnv(base, "CNI_PATH", REFERENCE_DIR.toString()), config, e.id());
            case EXEC -> new ExecContender(e.label(), spawner, site.bin().resolve(pluginOf(e)),
                    withEnv(withEnv(base, "CNI_PATH", site.bin().toString()), "KEELSON_CNI_SOCKET", site.socket().toString()),
                    config, e.id());
            case IN_PROCESS -> new InProcessContender(e.label(), site.node(), config,
                    e.scenario() == Scenario.MACVLAN ? new Skeleton(new MacvlanPlugin(), MacvlanPlugin.ABOUT)
                            : new Skeleton(new BridgePlugin(), BridgePlugin.ABOUT),
                    withEnv(base, "CNI_PATH", site.bin().toString()), e.id());
            case FLOOR -> new FloorContender(e.label(), floor, e.scenario() == Scenario.MACVLAN ? "macvlan" : "veth",
                    site.node(), e.lower(), e.prefix(), pool, site.log(e.id()), site::track, site.dataDir(e.id()));
        };
    }

    private static String pluginOf(Entry e) {
        return e.scenario() == Scenario.MACVLAN ? "macvlan" : "bridge";
    }

    private static Map<String, String> withEnv(Map<String, String> env, String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(env);
        m.put(key, value);
        return Map.copyOf(m);
    }

    /** The thin client: {@code keelson.libexec} (bin/keelson and the test build set it). */
    static Path clientProgram() {
        String dir = System.getProperty("keelson.libexec");
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("keelson.libexec is not set, so " + CLIENT_PROGRAM
                    + " cannot be found; run the benchmark through bin/keelson");
        }
        Path p = Path.of(dir, CLIENT_PROGRAM);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException("the CNI client " + p + " is missing; build it with bin/mvn package");
        }
        return p;
    }

    /** Link names in this JVM's own network namespace (the calling thread's; it never switches). */
    static Set<String> ownLinks() {
        Set<String> names = new HashSet<>();
        try (Rtnetlink rtnl = Rtnetlink.open()) {
            for (Link l : new Links(rtnl).list()) {
                names.add(l.name());
            }
        }
        return names;
    }
}
