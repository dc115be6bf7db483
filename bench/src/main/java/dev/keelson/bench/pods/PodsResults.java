package dev.keelson.bench.pods;

import dev.keelson.bench.Samples;

/** What one pods run measured (mutable while the run fills it in); NaN or empty where nothing was measured. */
final class PodsResults {
    /** Per pod, first watch event → Ready, of the timed Deployments. */
    final Samples keelsonPods = new Samples();
    final Samples containerdPods = new Samples();
    /** Per Deployment, create request → last pod Ready. */
    final Samples keelsonTotal = new Samples();
    final Samples containerdTotal = new Samples();
    /** Per bare pod created while no other pod starts: create request → Ready. */
    final Samples keelsonSingle = new Samples();
    final Samples containerdSingle = new Samples();
    /** Service create → ClusterIP reachable. */
    final Samples services = new Samples();
    double keelsonJvmMib = Double.NaN;
    double keelsonShimMib = Double.NaN;
    int keelsonShims;
    double containerdMib = Double.NaN;
    double containerdShimMib = Double.NaN;
    int containerdShims;
    /** Why containerd was not measured, or null. */
    String containerdMissing;
    /** Each keelson up JVM's RSS, for the notes. */
    String jvmDetail = "";
}
