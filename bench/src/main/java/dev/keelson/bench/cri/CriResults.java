package dev.keelson.bench.cri;

import dev.keelson.bench.Samples;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one CRI benchmark run measured: per RPC and runtime the latencies, and the memory with the pods running. */
final class CriResults {
    /** The RPCs timed, in the order of one pod's life (PullImage first: the image is removed after each round). */
    static final List<String> RPCS = List.of("PullImage", "RunPodSandbox", "CreateContainer", "StartContainer",
            "StopContainer", "StopPodSandbox", "RemovePodSandbox");

    final Map<String, Samples> keelson = samples();
    final Map<String, Samples> containerd = samples();
    /**
     * CreateContainer + StartContainer of each lifecycle: the runtimes split this work differently
     * (Keelson runs the OCI runtime's {@code create} in CreateContainer, containerd creates the task
     * in StartContainer), so the sum is the comparable figure.
     */
    final Samples keelsonCreateStart = new Samples();
    final Samples containerdCreateStart = new Samples();
    double keelsonMib;
    double containerdMib;
    double keelsonShimMib;
    double containerdShimMib;
    int keelsonShims;
    int containerdShims;

    private static Map<String, Samples> samples() {
        Map<String, Samples> m = new LinkedHashMap<>();
        RPCS.forEach(r -> m.put(r, new Samples()));
        return m;
    }

    Map<String, Samples> of(String runtime) {
        return runtime.equals(CriRun.KEELSON) ? keelson : containerd;
    }

    Samples createStartOf(String runtime) {
        return runtime.equals(CriRun.KEELSON) ? keelsonCreateStart : containerdCreateStart;
    }
}
