package dev.keelson.bench.pods;

/**
 * Sizes of one pods benchmark run.
 *
 * @param pods replicas of the Deployment whose startup is timed (30: the figure DESIGN.md names)
 * @param rounds timed Deployments per runtime, alternating runtimes with the order rotating
 * @param services Services whose propagation is timed
 * @param warmupPods replicas of the untimed first Deployment per runtime (JIT, image caches)
 * @param singlePods bare pods per runtime started one at a time on an idle node
 */
record PodsPlan(int pods, int rounds, int services, int warmupPods, int singlePods) {
    static PodsPlan of(boolean quick) {
        return quick ? new PodsPlan(30, 1, 3, 3, 3) : new PodsPlan(30, 3, 10, 5, 10);
    }
}
