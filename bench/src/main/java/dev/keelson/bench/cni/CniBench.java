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
import dev.keelson.cni.daemon.Plugins;
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
 * C). First one call at a time, then several workers at once; the contenders take turns round by
 * round.
 *
 * <p>Safety: all host-side work happens in a "node" namespace made for the run. Plugins are exec'd,
 * and the daemon started, from threads inside it (a child process starts in its parent thread's
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
    private static final int SPAWNS_PER_ROUND = 10;

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
        Path client = clientProgram();
        for (String p : List.of("bridge", "macvlan", "host-local")) {
            if (!Files.isExecutable(REFERENCE_DIR.resolve(p))) {
                throw new IllegalStateException("the reference plugin " + REFERENCE_DIR.resolve(p)
                        + " is missing: apt-get install containernetworking-plugins");
            }
        }
        Set<String> hostBefore = ownLinks();
        Results results;
        List<String> notes = new ArrayList<>();
        try (Site site = Site.open(root.resolve("bench-cni-" + ProcessHandle.current().pid()))) {
            results = measure(plan, site, floor, client, notes, progress);
        }
        Set<String> appeared = new TreeSet<>(ownLinks());
        appeared.removeAll(hostBefore);
        if (!appeared.isEmpty()) {
            throw new IllegalStateException("links appeared in this JVM's own network namespace during the run: " + appeared);
        }
        return CniReport.build(plan, results, notes);
    }

    /** What a run measured: each contender's timings and the cost of a bare process spawn. */
    record Results(Map<Entry, Timings> timings, Samples spawn) {
    }

    private static Results measure(CniPlan plan, Site site, Path floor, Path client, List<String> notes, PrintStream progress)
            throws Exception {
        boolean macvlanServed = Plugins.find("macvlan").isPresent();
        List<String> installed = new ArrayList<>(List.of("bridge", "host-local"));
        if (macvlanServed) {
            installed.add("macvlan");
        } else {
            notes.add("macvlan keelson exec'd: not measured — the daemon does not serve macvlan yet"
                    + " (dev.keelson.cni.daemon.Plugins has no entry for it)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Installer.install(client, site.bin(), installed, Installer.fallbackCommand(java, System.getProperty("java.class.path")));

        List<String> masters = new ArrayList<>();
        for (Kind k : Kind.values()) {
            masters.add(new Entry(Scenario.MACVLAN, k).lower());
        }
        site.prepareNode(FLOOR_BRIDGE, masters);
        progress.println("cni: starting the Keelson CNI daemon (a JVM in the node namespace)");
        site.startDaemon();

        Map<Entry, Contender> contenders = new LinkedHashMap<>();
        for (Scenario s : Scenario.values()) {
            for (Kind k : Kind.values()) {
                Entry e = new Entry(s, k);
                Contender c = contender(e, site, floor, macvlanServed);
                if (c != null) {
                    contenders.put(e, c);
                }
            }
        }
        progress.println("cni: making " + contenders.size() * plan.poolSize() + " pod namespaces ("
                + contenders.size() + " contenders × " + plan.poolSize() + ")");
        Map<Entry, List<Pod>> pools = new LinkedHashMap<>();
        for (Entry e : contenders.keySet()) {
            pools.put(e, site.pods(e.id(), plan.poolSize()));
        }

        Progress line = Progress.on(progress);
        for (Map.Entry<Entry, Contender> c : contenders.entrySet()) {
            boolean ours = c.getKey().kind() == Kind.EXEC || c.getKey().kind() == Kind.IN_PROCESS;
            int pairs = c.getKey().kind() == Kind.FLOOR ? plan.poolSize() : ours ? plan.oursWarmup() : plan.refWarmup();
            line.update("cni: warm-up: " + pairs + " ADD/DEL pairs of " + c.getValue().label());
            c.getValue().warmUp(pools.get(c.getKey()), pairs, plan.workers());
        }
        line.end();

        Map<Entry, Timings> timings = new LinkedHashMap<>();
        contenders.keySet().forEach(e -> timings.put(e, new Timings()));
        Samples spawn = new Samples();
        List<Entry> order = new ArrayList<>(contenders.keySet());
        for (Phase phase : Phase.values()) {
            int rounds = plan.rounds(phase);
            for (int r = 0; r < rounds; r++) {
                int n = plan.batchOf(phase, r);
                for (int k = 0; k < order.size(); k++) {
                    Entry e = order.get((r + k) % order.size());
                    line.update("cni: " + phase.label + " round " + (r + 1) + "/" + rounds + ": " + n + " ADD+DEL, "
                            + plan.workersOf(phase) + " worker(s), " + contenders.get(e).label());
                    contenders.get(e).batch(pools.get(e).subList(0, n), plan.workersOf(phase),
                            timings.get(e).add(phase), timings.get(e).del(phase));
                }
                if (phase == Phase.SEQUENTIAL) {
                    spawnBaseline(site, spawn);
                }
            }
            line.end();
        }
        if (!site.daemonAlive()) {
            throw new IOException("the Keelson CNI daemon died during the run: the exec'd figures would be the JVM fallback's");
        }
        return new Results(timings, spawn);
    }

    private static Contender contender(Entry e, Site site, Path floor, boolean macvlanServed) {
        String config = e.config(site.dataDir(e.id()).toString());
        Map<String, String> base = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return switch (e.kind()) {
            case REFERENCE -> new PluginContender(e.label(), site.node(), config,
                    Invoker.exec(REFERENCE_DIR.resolve(pluginOf(e)), withEnv(base, "CNI_PATH", REFERENCE_DIR.toString())), e.id());
            case EXEC -> e.scenario() == Scenario.MACVLAN && !macvlanServed ? null
                    : new PluginContender(e.label(), site.node(), config, Invoker.exec(site.bin().resolve(pluginOf(e)),
                            withEnv(withEnv(base, "CNI_PATH", site.bin().toString()), "KEELSON_CNI_SOCKET", site.socket().toString())),
                            e.id());
            case IN_PROCESS -> new PluginContender(e.label(), site.node(), config, Invoker.inProcess(
                    e.scenario() == Scenario.MACVLAN ? new Skeleton(new MacvlanPlugin(), MacvlanPlugin.ABOUT)
                            : new Skeleton(new BridgePlugin(), BridgePlugin.ABOUT),
                    withEnv(base, "CNI_PATH", site.bin().toString())), e.id());
            case FLOOR -> e.scenario() == Scenario.MASQ ? null
                    : new FloorContender(e.label(), floor, e.scenario() == Scenario.MACVLAN ? "macvlan" : "veth", site.node(),
                            e.lower(), e.prefix(), site::floorProcess);
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

    /** What every exec'd call pays before the plugin runs: spawning {@code /bin/true} from the node namespace. */
    private static void spawnBaseline(Site site, Samples spawn) throws Exception {
        Invoker t = Invoker.exec(Path.of("/bin/true"), Map.of());
        for (int i = 0; i < SPAWNS_PER_ROUND; i++) {
            spawn.add(site.node().run(() -> {
                long t0 = System.nanoTime();
                t.call(Map.of(), new byte[0]);
                return System.nanoTime() - t0;
            }));
        }
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
