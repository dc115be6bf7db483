package dev.keelson.bench.pods;

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
 * {@code keelson bench pods}: a whole {@code keelson up} cluster on this machine, with a second node
 * agent (the same code) running pods through a private containerd 1.6: Deployment startup latency
 * per pod and for all 30, on each runtime in turn; the cluster's memory with 30 pods against
 * containerd's; and how fast a new Service becomes reachable by its ClusterIP (no peer here:
 * kube-proxy is not on this machine).
 */
public final class PodsBench implements BenchArea {
    static final String CONTAINERD_PEER = "containerd 1.6 CRI (same node agent)";
    static final double TARGET_RSS_MIB = 300;
    static final double TARGET_SPEEDUP = 2;

    @Override
    public String name() {
        return "pods";
    }

    @Override
    public String description() {
        return "pod startup (Deployment of 30 → Ready) on Keelson's CRI vs containerd under the same node agent;"
                + " Service propagation; cluster memory with 30 pods";
    }

    @Override
    public BenchReport run(BenchOptions options, PrintStream progress) throws Exception {
        String why = KeelsonUp.unavailable();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        PodsPlan plan = PodsPlan.of(options.quick());
        PodsRun run = new PodsRun(plan, Progress.on(progress));
        GuardedRun.measure("pods", run, run::measure, progress);
        return report(run.results, plan);
    }

    static BenchReport report(PodsResults r, PodsPlan plan) {
        boolean peer = r.containerdMissing == null;
        List<Figure> figures = new ArrayList<>();
        String n = plan.pods() + " pods";
        figures.add(pair("pod startup p50, " + n, r.keelsonPods.percentileNanos(50) / 1e6,
                peer ? r.containerdPods.percentileNanos(50) / 1e6 : null, "ms"));
        figures.add(pair("pod startup p99, " + n, r.keelsonPods.percentileNanos(99) / 1e6,
                peer ? r.containerdPods.percentileNanos(99) / 1e6 : null, "ms"));
        figures.add(pair("all " + n + " Ready (Deployment create → last Ready)", r.keelsonTotal.medianMillis(),
                peer ? r.containerdTotal.medianMillis() : null, "ms"));
        figures.add(pair("one pod at a time, p50 (create → Ready)", r.keelsonSingle.medianMillis(),
                peer ? r.containerdSingle.medianMillis() : null, "ms"));
        Samples s = r.services;
        figures.add(Figure.alone("Service propagation p50 (create → ClusterIP reachable)", s.percentileNanos(50) / 1e6, "ms"));
        figures.add(Figure.alone("Service propagation max", s.percentileNanos(100) / 1e6, "ms"));
        figures.add(pair("RSS with " + n + ": keelson up JVMs vs containerd daemon", r.keelsonJvmMib,
                peer ? r.containerdMib : null, "MiB"));
        figures.add(pair("RSS with " + n + ": per-container shims", r.keelsonShimMib, peer ? r.containerdShimMib : null, "MiB"));

        List<Target> targets = new ArrayList<>();
        Figure p50 = figures.getFirst();
        targets.add(Target.ratioAtMost(p50, 1 / TARGET_SPEEDUP, "pod startup p50 ≥ " + (int) TARGET_SPEEDUP
                + "× faster than containerd 1.6 (RunPodSandbox-level target, DESIGN.md)"));
        targets.add(new Target("whole single-node cluster (keelson up JVMs) ≤ " + (int) TARGET_RSS_MIB + " MiB RSS with " + n,
                String.format(Locale.ROOT, "%.0f MiB", r.keelsonJvmMib), r.keelsonJvmMib <= TARGET_RSS_MIB));

        List<String> notes = new ArrayList<>();
        notes.add("startup: per pod from its first watch event (created by the ReplicaSet controller) to its Ready condition"
                + " True on the watch, " + plan.rounds() + " Deployment(s) of " + plan.pods() + " busybox 'sleep' pods per runtime,"
                + " runtimes alternating; one untimed Deployment of " + plan.warmupPods() + " first on each");
        notes.add("one pod at a time: " + plan.singlePods() + " bare pods per runtime, each created on an idle node and timed from"
                + " its create request to Ready on the watch — the closest this level gets to RunPodSandbox + CreateContainer"
                + " + StartContainer");
        notes.add("same control plane (keelson up's API server, scheduler, controllers) and the same node agent code for both;"
                + " Keelson's node agent runs in the cluster JVM, containerd's in the benchmark's JVM");
        notes.add(peer ? "containerd: private instance (own root/state/socket, overlayfs, runc, restrict_oom_score_adj),"
                + " reference bridge + host-local CNI plugins, sandbox image = Keelson's static pause, in a network namespace"
                + " the benchmark made" : "no containerd figures: " + r.containerdMissing);
        notes.add("Service propagation: from before the Service create to the first TCP connect accepted through the"
                + " ClusterIP from the node namespace, " + plan.services() + " Services; no peer: kube-proxy is not on this machine");
        notes.add("memory: RSS (VmRSS) 5 s after " + n + " are Ready; keelson up = its one JVM (" + r.jvmDetail
                + "), incl. API server, store, scheduler, controllers, CRI, node agent, proxy, DNS; containerd's figure is the"
                + " daemon alone — a partial reference: kubelet, kube-proxy and an API server are not available here");
        notes.add(String.format(Locale.ROOT, "shims: %d keelson-cri-shim processes, %d containerd-shim-runc-v2 processes",
                r.keelsonShims, r.containerdShims));
        return new BenchReport("pods", figures, targets, notes);
    }

    private static Figure pair(String name, double keelson, Double peer, String unit) {
        return peer == null ? Figure.alone(name, keelson, unit) : new Figure(name, keelson, peer, CONTAINERD_PEER, unit);
    }
}
