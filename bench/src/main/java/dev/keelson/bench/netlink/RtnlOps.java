package dev.keelson.bench.netlink;

import dev.keelson.bench.Figure;
import dev.keelson.bench.Progress;
import dev.keelson.bench.Samples;
import dev.keelson.bench.Target;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.Veth;
import dev.keelson.netns.route.Route;
import dev.keelson.netns.route.RouteFilter;
import dev.keelson.netns.route.Routes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel-object half of {@code keelson bench netlink}: the same operations done by Keelson's
 * rtnetlink API and by {@code ip} (one process per operation, as a script or a Go-less CNI plugin
 * pays), alternating call by call in one run, inside two namespaces made for the run.
 *
 * <ul>
 *   <li>veth create with the peer created directly in a second namespace, brought up — one
 *       request for Keelson, one {@code ip link add NAME up type veth peer name P netns B};</li>
 *   <li>address add, route add (single operations);</li>
 *   <li>10,000 route adds: {@link Routes#addAll} (pipelined datagrams) against {@code ip -batch};</li>
 *   <li>a dump of those 10,000 routes parsed into {@code Route} records, with {@code ip -j route
 *       show} of the same table for scale.</li>
 * </ul>
 * Only namespaces made here are touched; they are deleted at the end, taking every link, address
 * and route with them.
 */
final class RtnlOps {
    static final String VETH_SEQ = "veth create+move+up";
    static final String VETH = "veth create (peer in netns) + up";
    static final String VETH_FLOOR = "veth create vs the kernel floor";
    static final String ADDR = "address add";
    static final String ROUTE = "route add";
    static final String BULK = "10,000 route adds";
    static final String DUMP = "dump of 10,000 routes";
    private static final int BULK_ROUTES = 10_000;

    private final boolean quick;
    private final Path ip;
    private final PrintStream progress;

    RtnlOps(boolean quick, Path ip, PrintStream progress) {
        this.quick = quick;
        this.ip = ip;
        this.progress = progress;
    }

    record Result(List<Figure> figures, List<Target> targets, List<String> notes) {
    }

    Result run() throws Exception {
        String tag = "keelson-bench-nl-" + ProcessHandle.current().pid();
        NetnsDirectory run = NetnsDirectory.system();
        NetNamespace a = run.create(tag + "-a", true);
        NetNamespace b = null;
        Thread cleanup = new Thread(() -> {
            run.delete(tag + "-a");
            run.delete(tag + "-b");
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        // Strict checking: the kernel applies the dump filter (the table), as iproute2 asks for too.
        try (Rtnetlink rtnl = Rtnetlink.open(a).strict()) {
            b = run.create(tag + "-b", true);
            return measure(rtnl, a, b, tag + "-a");
        } finally {
            a.delete();
            if (b != null) {
                b.delete();
            }
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private Result measure(Rtnetlink rtnl, NetNamespace a, NetNamespace b, String nsA) throws Exception {
        Links links = new Links(rtnl);
        Addresses addrs = new Addresses(rtnl);
        Routes routes = new Routes(rtnl);
        // One device per contender for addresses (the kernel's cost of an address add grows with the
        // addresses already on the device), and a third for the warm-up.
        for (String dev : List.of("kbase", "kaddr", "iaddr", "waddr")) {
            links.add(Veth.named(dev).peer(dev + "p").up());
        }
        int base = links.indexOf("kbase");
        int kDev = links.indexOf("kaddr");
        int wDev = links.indexOf("waddr");

        int n = quick ? 40 : 150;
        int warm = quick ? 200 : 500;
        // Warm Keelson's code paths (the JIT) on throw-away objects in the same namespaces.
        for (int i = 0; i < warm; i++) {
            links.add(Veth.named("wv" + i).peer("wp" + i, b).up());
            addrs.add(Address.of(wDev, "10.9." + (i >> 8) + "." + (i & 255) + "/32"));
            routes.add(Route.to("10.8." + (i >> 8) + "." + (i & 255) + "/32").withOif(base));
        }
        exec(nsA, "link", "add", "iwarm", "up", "type", "veth", "peer", "name", "iwarmp");

        Samples kVeth = new Samples(), iVeth = new Samples(), iVethSeq = new Samples();
        Samples kAddr = new Samples(), iAddr = new Samples();
        Samples kRoute = new Samples(), iRoute = new Samples();
        Progress line = Progress.on(progress);
        String peerNs = b.name();
        // Veths first, in a loop of their own: moving links (ip's sequence) leaves the kernel busy
        // with deferred work that would otherwise spill into the address and route figures.
        for (int i = 0; i < n; i++) {
            int k = i;
            Runnable keelson = () -> kVeth.add(time(() -> links.add(Veth.named("kv" + k).peer("kp" + k, b).up())));
            Runnable iproute = () -> {
                iVeth.add(exec(nsA, "link", "add", "iv" + k, "up", "type", "veth", "peer", "name", "ip" + k, "netns", peerNs));
                // The same result the way scripts (and ip's own documentation) usually get it:
                // create the pair, move the peer, bring the host end up — three processes.
                iVethSeq.add(exec(nsA, "link", "add", "is" + k, "type", "veth", "peer", "name", "iq" + k)
                        + exec(nsA, "link", "set", "iq" + k, "netns", peerNs)
                        + exec(nsA, "link", "set", "is" + k, "up"));
            };
            alternate(i, keelson, iproute);
            line.update("netlink: veths " + (i + 1) + "/" + n);
        }
        line.end();
        for (int i = 0; i < n; i++) {
            String x = (i >> 8) + "." + (i & 255);
            Runnable keelson = () -> {
                kAddr.add(time(() -> addrs.add(Address.of(kDev, "10.1." + x + "/32"))));
                kRoute.add(time(() -> routes.add(Route.to("10.3." + x + "/32").withOif(base))));
            };
            Runnable iproute = () -> {
                iAddr.add(exec(nsA, "addr", "add", "10.2." + x + "/32", "dev", "iaddr"));
                iRoute.add(exec(nsA, "route", "add", "10.4." + x + "/32", "dev", "kbase"));
            };
            alternate(i, keelson, iproute);
            line.update("netlink: addresses and routes " + (i + 1) + "/" + n);
        }
        line.end();

        // The kernel floor of the veth operation: the same RTM_NEWLINK from C, each after a pause
        // about as long as the gap between two Keelson veth creates in the loop above.
        progress.println("netlink: veth kernel floor (C), " + n + " creates");
        Samples floorVeth = floorVeth(a, b, n, 7000);

        // One uncounted bulk load first: the batch encoder's JIT warm-up, as for the single operations.
        List<Route> scratch = new ArrayList<>(BULK_ROUTES);
        for (int i = 0; i < BULK_ROUTES; i++) {
            scratch.add(Route.to("10.99." + (i >> 8) + "." + (i & 255) + "/32").withOif(base).withTable(999));
        }
        routes.addAll(scratch);

        int reps = quick ? 3 : 5;
        Samples kBulk = new Samples(), iBulk = new Samples();
        Path batchDir = Files.createTempDirectory("keelson-bench-ipbatch");
        try {
            for (int r = 0; r < reps; r++) {
                int kTable = 1000 + r;
                int iTable = 2000 + r;
                List<Route> bulk = new ArrayList<>(BULK_ROUTES);
                StringBuilder script = new StringBuilder(BULK_ROUTES * 48);
                for (int i = 0; i < BULK_ROUTES; i++) {
                    String x = "10." + (100 + r) + "." + (i >> 8) + "." + (i & 255);
                    bulk.add(Route.to(x + "/32").withOif(base).withTable(kTable));
                    script.append("route add ").append(x).append("/32 dev kbase table ").append(iTable).append('\n');
                }
                Path file = batchDir.resolve("routes-" + r);
                Files.writeString(file, script);
                progress.println("netlink: 10,000 routes, round " + (r + 1) + "/" + reps);
                if (r % 2 == 0) {
                    kBulk.add(time(() -> routes.addAll(bulk)));
                    iBulk.add(execBatch(nsA, file));
                } else {
                    iBulk.add(execBatch(nsA, file));
                    kBulk.add(time(() -> routes.addAll(bulk)));
                }
            }
        } finally {
            deleteTree(batchDir);
        }

        progress.println("netlink: dumping 10,000 routes");
        Samples kDump = new Samples(), iDump = new Samples();
        int dumps = quick ? 10 : 30;
        int[] count = new int[1];
        for (int i = 0; i < dumps + 5; i++) {
            long t = time(() -> count[0] = routes.list(RouteFilter.table(1000)).size());
            long u = exec(nsA, "-j", "route", "show", "table", "2000");
            if (i >= 5) {
                kDump.add(t);
                iDump.add(u);
            }
        }
        if (count[0] != BULK_ROUTES) {
            throw new IllegalStateException("the dump of table 1000 returned " + count[0] + " routes, expected " + BULK_ROUTES);
        }

        Figure vethSeq = new Figure(VETH_SEQ, kVeth.medianMillis(), iVethSeq.medianMillis(), "ip link add; set netns; set up", "ms");
        Figure veth = new Figure(VETH, kVeth.medianMillis(), iVeth.medianMillis(), "ip link add … netns", "ms");
        Figure vethFloor = new Figure(VETH_FLOOR, kVeth.medianMillis(), floorVeth.medianMillis(), "kernel floor (C)", "ms");
        Figure addr = new Figure(ADDR, kAddr.medianMillis(), iAddr.medianMillis(), "ip addr add", "ms");
        Figure route = new Figure(ROUTE, kRoute.medianMillis(), iRoute.medianMillis(), "ip route add", "ms");
        Figure bulkFig = new Figure(BULK, kBulk.medianMillis(), iBulk.medianMillis(), "ip -batch", "ms");
        Figure dump = new Figure(DUMP, kDump.medianMillis(), iDump.medianMillis(), "ip -j route show", "ms");
        List<Target> targets = List.of(
                Target.ratioAtMost(vethSeq, 0.05, VETH_SEQ + ": ≥ 20× faster than ip"),
                Target.ratioAtMost(veth, 0.05, VETH + ": ≥ 20× faster than ip's one-liner"),
                Target.ratioAtMost(addr, 0.05, ADDR + ": ≥ 20× faster than ip"),
                Target.ratioAtMost(route, 0.05, ROUTE + ": ≥ 20× faster than ip"),
                Target.ratioAtMost(bulkFig, 0.5, BULK + ": ≥ 2× faster than ip -batch"),
                Target.valueAtMost(dump, 20, DUMP + " parsed in < 20 ms"));
        List<String> notes = List.of(
                "Keelson's veth create is one RTM_NEWLINK that places the peer in the other namespace and sets the link up;"
                        + " ip is measured both as add + set netns + set up and as its one-liner (add … up … peer … netns)",
                "the veth kernel floor is the same RTM_NEWLINK sent from C (bench/c/veth-floor.c), each after a 7 ms pause;"
                        + " it bounds any caller's speed-up over ip at ip / floor",
                n + " single operations per contender, alternating call by call, after " + warm
                        + " uncounted Keelson operations of each kind; ip is timed from spawn to exit",
                reps + " × 10,000 routes per contender (/32s via dev, own table each); the dump is parsed into "
                        + "Route records (" + dumps + " dumps, median)");
        return new Result(List.of(vethSeq, veth, vethFloor, addr, route, bulkFig, dump), targets, notes);
    }

    /** Runs keelson-veth-floor in namespace {@code a} (peers into {@code b}) and returns its timings. */
    private static Samples floorVeth(NetNamespace a, NetNamespace b, int n, int pauseMicros) throws IOException, InterruptedException {
        Path program = dev.keelson.bench.BenchPrograms.floorProgram("keelson-veth-floor");
        Process p = new ProcessBuilder(program.toString(), a.path().toString(), b.path().toString(), "fl",
                Integer.toString(n), Integer.toString(pauseMicros)).redirectError(ProcessBuilder.Redirect.PIPE).start();
        Samples out = new Samples();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IOException(program.getFileName() + " failed: " + err);
        }
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(Long.parseLong(line.strip()));
            }
        }
        if (out.count() != n) {
            throw new IOException(program.getFileName() + " printed " + out.count() + " timings, expected " + n);
        }
        return out;
    }

    /** Runs both, alternating who goes first, so that neither always follows the other's kernel work. */
    private static void alternate(int i, Runnable keelson, Runnable iproute) {
        if (i % 2 == 0) {
            keelson.run();
            iproute.run();
        } else {
            iproute.run();
            keelson.run();
        }
    }

    private long exec(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ip.toString(), "-n", ns));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private long execBatch(String ns, Path file) {
        return run(List.of(ip.toString(), "-n", ns, "-batch", file.toString()));
    }

    private static long run(List<String> cmd) {
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.PIPE).start();
            String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int rc = p.waitFor();
            long t = System.nanoTime() - t0;
            if (rc != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + rc + "): " + err.strip());
            }
            return t;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot run " + cmd.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static long time(Runnable op) {
        long t0 = System.nanoTime();
        op.run();
        return System.nanoTime() - t0;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
