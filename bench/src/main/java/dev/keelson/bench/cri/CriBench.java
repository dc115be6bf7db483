package dev.keelson.bench.cri;

import dev.keelson.bench.BenchArea;
import dev.keelson.bench.BenchOptions;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.Progress;
import dev.keelson.bench.Samples;
import dev.keelson.bench.Target;
import dev.keelson.bench.runtime.GuardedRun;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code keelson bench cri}: the CRI RPCs of one pod's life, direct gRPC from one client, on
 * {@code keelson cri} (its own process) and on containerd 1.6 in the same run, rounds interleaved;
 * and each daemon's memory with 30 running pods.
 */
public final class CriBench implements BenchArea {
    static final String PEER = "containerd 1.6 CRI";
    static final double TARGET_RUN_SPEEDUP = 2;
    static final double TARGET_RSS_MIB = 100;

    @Override
    public String name() {
        return "cri";
    }

    @Override
    public String description() {
        return "CRI RPCs (RunPodSandbox … RemovePodSandbox, PullImage) on keelson cri vs containerd 1.6, direct gRPC;"
                + " daemon memory with 30 running pods";
    }

    @Override
    public BenchReport run(BenchOptions options, PrintStream progress) throws Exception {
        String why = KeelsonCri.unavailable();
        if (why == null) {
            why = dev.keelson.bench.runtime.PrivateContainerd.unavailable();
        }
        if (why == null && !java.nio.file.Files.isExecutable(LoopbackRegistry.BINARY)) {
            why = LoopbackRegistry.BINARY + " is missing (apt-get install docker-registry)";
        }
        if (why != null) {
            throw new IllegalStateException(why);
        }
        CriPlan plan = CriPlan.of(options.quick());
        CriRun run = new CriRun(plan, Progress.on(progress));
        GuardedRun.measure("cri", run, run::measure, progress);
        return report(run.results, plan);
    }

    static BenchReport report(CriResults r, CriPlan plan) {
        List<Figure> figures = new ArrayList<>();
        for (String rpc : CriResults.RPCS) {
            Samples k = r.keelson.get(rpc);
            Samples c = r.containerd.get(rpc);
            figures.add(new Figure(rpc + " p50", k.medianMillis(), c.medianMillis(), PEER, "ms"));
            figures.add(new Figure(rpc + " p90", k.percentileNanos(90) / 1e6, c.percentileNanos(90) / 1e6, PEER, "ms"));
        }
        figures.add(new Figure("CreateContainer + StartContainer p50", r.keelsonCreateStart.medianMillis(),
                r.containerdCreateStart.medianMillis(), PEER, "ms"));
        String n = plan.pods() + " running pods";
        Figure rss = new Figure("RSS with " + n + ": keelson cri JVM vs containerd daemon", r.keelsonMib, r.containerdMib,
                PEER, "MiB");
        figures.add(rss);
        figures.add(new Figure("RSS with " + n + ": per-pod shims, total", r.keelsonShimMib, r.containerdShimMib, PEER, "MiB"));

        List<Target> targets = new ArrayList<>();
        targets.add(Target.ratioAtMost(figures.get(2), 1 / TARGET_RUN_SPEEDUP,
                "RunPodSandbox p50 ≥ " + (int) TARGET_RUN_SPEEDUP + "× faster than containerd 1.6 (DESIGN.md)"));
        for (int i = 0; i < CriResults.RPCS.size(); i++) {
            Figure f = figures.get(2 * i);
            targets.add(Target.ratioAtMost(f, 1, f.name() + " no slower than containerd"));
        }
        targets.add(Target.valueAtMost(rss, TARGET_RSS_MIB, "keelson cri RSS with " + n + " ≤ " + (int) TARGET_RSS_MIB + " MiB"));

        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "%d timed pod lifecycles per runtime after %d untimed, runtimes alternating with"
                + " the order rotating each round; one blocking grpc-java client on each Unix socket", plan.rounds(), plan.warmup()));
        notes.add("lifecycle: PullImage (image removed after the previous round) → RunPodSandbox → CreateContainer (busybox"
                + " sleep 3600) → StartContainer → StopContainer (timeout 0) → StopPodSandbox → RemovePodSandbox → RemoveImage"
                + " (untimed)");
        notes.add("both runtimes in one network namespace made by the run, pulling the same one-layer busybox image (Debian"
                + " busybox-static) over plain HTTP from docker-registry on its loopback");
        notes.add("CNI: same conflist shape (bridge + host-local, isGateway, ipMasq, hairpinMode); keelson cri runs Keelson's"
                + " bridge and host-local in-process, containerd execs the reference plugins from /usr/lib/cni");
        notes.add("keelson cri: a separate process with bin/keelson's JVM options (" + String.join(" ", KeelsonCri.JVM)
                + "); containerd: private root/state/socket, overlayfs, runc, sandbox image = Keelson's static pause");
        notes.add("CreateContainer + StartContainer: the sum per lifecycle — both write the container's state in CreateContainer"
                + " (keelson cri also mounts its rootfs there) and start the runtime in StartContainer (keelson: its shim +"
                + " runc run; containerd: its shim + runc create + start)");
        notes.add(String.format(Locale.ROOT, "memory: VmRSS 5 s after %d pods run on each; shims: %d keelson-cri-shim,"
                + " %d containerd-shim-runc-v2 processes", plan.pods(), r.keelsonShims, r.containerdShims));
        return new BenchReport("cri", figures, targets, notes);
    }
}
