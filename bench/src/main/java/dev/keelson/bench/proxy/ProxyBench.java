package dev.keelson.bench.proxy;

import dev.keelson.bench.BenchArea;
import dev.keelson.bench.BenchOptions;
import dev.keelson.bench.BenchPrograms;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Samples;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.ipt.IptablesRenderer;
import dev.keelson.proxy.nft.NftRenderer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code keelson bench proxy}: Keelson's nft and iptables rule forms against kube-proxy's nftables
 * and iptables layouts, N services × 5 endpoints, all in one run: full sync, one-service change,
 * one-endpoint change, and the new-connection rate and connect latency to the first and the last
 * service. Each contender and size gets fresh client, node and backend namespaces
 * ({@link ProxyLab}); the namespace the benchmark runs in is never changed.
 */
public final class ProxyBench implements BenchArea {
    static final String CONN_RATE = "keelson-conn-rate";
    private static final String KEELSON = "keelson";
    private static final String KUBE = "kube";

    @Override
    public String name() {
        return "proxy";
    }

    @Override
    public String description() {
        return "service rules: Keelson nft/iptables vs kube-proxy's layouts (sync times, conn/s to first and last service)";
    }

    @Override
    public BenchReport run(BenchOptions options, PrintStream progress) throws Exception {
        ProxyPlan plan = ProxyPlan.of(options.quick());
        Path connRate = BenchPrograms.floorProgram(CONN_RATE);
        Results results = new Results();
        List<String> notes = new ArrayList<>();
        Map<String, double[]> lastFull = new HashMap<>(); // label -> {n, ms, capped}
        String prefix = "kbp" + ProcessHandle.current().pid() + "-";
        int seq = 0;
        warmUp(progress);
        List<Supplier<Contender>> lineup = List.of(() -> new Contender.Keelson("nft"), Contender.KubeNft::new,
                () -> new Contender.Keelson("iptables"), Contender.KubeIptables::new);
        for (int n : plan.sizes()) {
            Workload w = Workload.of(n);
            for (Supplier<Contender> make : lineup) {
                try (Contender c = make.get(); ProxyLab lab = new ProxyLab(prefix + (seq++), connRate)) {
                    String side = c instanceof Contender.Keelson ? KEELSON : KUBE;
                    boolean skip = !side.equals(KEELSON) && expectedBeyondCap(lastFull.get(c.label), n, plan.cap());
                    if (skip && c instanceof Contender.KubeNft) {
                        notes.add(c.label + ", N=" + n + ": not run; the smaller size's full load extrapolates past the "
                                + plan.cap().toSeconds() + " s cap (the kernel transaction cannot be interrupted)");
                        continue;
                    }
                    c.open(lab.node);
                    progress.println("proxy: N=" + n + ", " + c.label + ": full sync");
                    long t0 = System.nanoTime();
                    try {
                        c.full(w, skip ? Duration.ofMillis(1) : plan.cap());
                        double ms = (System.nanoTime() - t0) / 1e6;
                        results.put(c.form, side, "full", n, ms);
                        if (c instanceof Contender.Keelson k) {
                            results.put(c.form, side, "full apply", n, k.lastApplyNanos / 1e6);
                        }
                        lastFull.put(c.label, new double[] {n, ms, 0});
                    } catch (RuleSink.CapExceededException e) {
                        lastFull.put(c.label, new double[] {n, plan.cap().toMillis(), 1});
                        if (skip) {
                            notes.add(c.label + ", N=" + n + ": full load with --noflush not run (extrapolates past the cap);"
                                    + " loaded without --noflush to measure the rest");
                        } else {
                            results.lowerBound(c.form, side, "full", n, plan.cap().toMillis());
                            notes.add(c.label + ", N=" + n + ": full load > " + plan.cap().toSeconds() + " s cap"
                                    + (c instanceof Contender.KubeIptables ? "; loaded without --noflush to measure the rest" : ""));
                        }
                    }
                    measureTraffic(c, side, lab, w, n, plan, connRate, results, progress);
                    measureChanges(c, side, w, n, plan, results, progress);
                }
            }
        }
        notes.add("each contender and size runs in fresh namespaces; teardown of a large ruleset happens in the kernel"
                + " after the namespace is deleted and may overlap the next contender's run");
        return ProxyReport.build(plan, results, notes);
    }

    /**
     * Compiles and renders a mid-sized workload a few times before anything is timed, so that
     * Keelson's first figures measure compiled code, as in a long-running proxy, not the JIT.
     */
    private static void warmUp(PrintStream progress) {
        progress.println("proxy: warming up the compiler and renderers");
        Workload w = Workload.of(3_000);
        for (int i = 0; i < 4; i++) {
            CompiledState a = Compiler.compile(w.snapshot(), Contender.NODE);
            CompiledState b = Compiler.compile(w.withOneMoreService().snapshot(), Contender.NODE);
            StateDiff d = StateDiff.between(a, b);
            NftRenderer.full(a);
            NftRenderer.incremental(d);
            IptablesRenderer.full(a, Family.V4);
            IptablesRenderer.partial(d, b, Family.V4);
        }
    }

    private static boolean expectedBeyondCap(double[] previous, int n, Duration cap) {
        if (previous == null) {
            return false;
        }
        if (previous[2] != 0) {
            return true;
        }
        // Both reference layouts grow faster than linearly with N (82 s at 10,000 vs 10 s at 5,000
        // for the nft one); N² is a conservative estimate.
        double ratio = n / previous[0];
        return previous[1] * ratio * ratio > cap.toMillis();
    }

    private static void measureTraffic(Contender c, String side, ProxyLab lab, Workload w, int n, ProxyPlan plan,
                                       Path connRate, Results results, PrintStream progress) throws Exception {
        progress.println("proxy: N=" + n + ", " + c.label + ": connections to the first and last service");
        ProxyLab.ConnRate first = lab.connRate(connRate, w.first().vip(), plan.conns(), plan.warmup());
        ProxyLab.ConnRate last = lab.connRate(connRate, w.last().vip(), plan.conns(), plan.warmup());
        results.put(c.form, side, "conn/s first", n, first.perSecond());
        results.put(c.form, side, "conn/s last", n, last.perSecond());
        results.put(c.form, side, "connect first", n, first.medianMicros());
        results.put(c.form, side, "connect last", n, last.medianMicros());
    }

    private static void measureChanges(Contender c, String side, Workload w, int n, ProxyPlan plan, Results results,
                                       PrintStream progress) throws Exception {
        progress.println("proxy: N=" + n + ", " + c.label + ": one-endpoint and one-service changes");
        Samples endpoint = new Samples();
        Samples endpointApply = new Samples();
        Samples serviceApply = new Samples();
        Workload moved = w.withOneEndpointMoved();
        Workload cur = w;
        for (int i = 0; i < plan.repeats(); i++) {
            Workload next = cur == w ? moved : w;
            long t0 = System.nanoTime();
            c.change(cur, next);
            endpoint.add(System.nanoTime() - t0);
            if (c instanceof Contender.Keelson k) {
                endpointApply.add(k.lastApplyNanos);
            }
            cur = next;
        }
        Samples service = new Samples();
        for (int i = 0; i < plan.repeats(); i++) {
            Workload next = cur.withOneMoreService();
            long t0 = System.nanoTime();
            c.change(cur, next);
            service.add(System.nanoTime() - t0);
            if (c instanceof Contender.Keelson k) {
                serviceApply.add(k.lastApplyNanos);
            }
            cur = next;
        }
        results.put(c.form, side, "one-endpoint", n, endpoint.medianMillis());
        results.put(c.form, side, "one-service", n, service.medianMillis());
        if (c instanceof Contender.Keelson) {
            results.put(c.form, side, "one-endpoint apply", n, endpointApply.medianMillis());
            results.put(c.form, side, "one-service apply", n, serviceApply.medianMillis());
        }
    }
}
