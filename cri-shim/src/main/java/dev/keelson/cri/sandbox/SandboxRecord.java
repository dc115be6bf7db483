package dev.keelson.cri.sandbox;

import dev.keelson.cri.api.v1.PodSandboxConfig;
import java.util.Base64;
import java.util.List;

/**
 * What is known of one pod sandbox, persisted as {@code SANDBOXES/ID.json}.
 *
 * <pre>
 *   RunPodSandbox ──▶ READY ──StopPodSandbox──▶ NOTREADY, stopped ──RemovePodSandbox──▶ (gone)
 *                       │                              ▲
 *                       └─ pause exits ─▶ NOTREADY ──StopPodSandbox (network still torn down)
 *   RemovePodSandbox from any state stops first.
 * </pre>
 *
 * @param runtime the OCI runtime that runs the pod's containers ({@code runc} or {@code crun}), fixed at
 *                RunPodSandbox so that a later change of the default handler strands nothing; null in
 *                records written before it was kept (the handler decides then)
 * @param pauseRuntime the OCI runtime that runs the pause container, when it is not {@code runtime}
 *                     (see {@code keelson cri --sandbox-runtime}); null otherwise
 * @param config the CRI {@code PodSandboxConfig}, protobuf bytes in base64 (labels, metadata, DNS, ...)
 * @param netns the network namespace pin, or null for a host-network pod
 * @param ips the pod's addresses from the CNI result (first is the primary)
 * @param cgroupParent cgroupfs parent of the pod's cgroup ({@code PARENT/ID})
 * @param pausePid the pause container's init
 * @param shimPid the shim watching the pause container
 * @param stopped StopPodSandbox completed: pause deleted, network torn down, netns unpinned
 */
public record SandboxRecord(String id, String handler, String runtime, String pauseRuntime, String state, long createdAt, String netns, List<String> ips,
                            String cgroupParent, int pausePid, long shimPid, String config,
                            boolean stopped) {
    public static final String READY = "READY";
    public static final String NOTREADY = "NOTREADY";

    public SandboxRecord {
        ips = ips == null ? List.of() : List.copyOf(ips);
    }

    /** The CRI config this sandbox was run with. */
    public PodSandboxConfig podConfig() {
        return CONFIGS.get(id, config);
    }

    private static final DecodedConfigs<PodSandboxConfig> CONFIGS = new DecodedConfigs<>("sandbox", PodSandboxConfig::parseFrom);

    /** The pod's cgroupfs path, {@code PARENT/ID}. */
    public String cgroup() {
        return cgroupParent + "/" + id;
    }

    /** The pause container's cgroupfs path, {@code PARENT/ID/ID}. */
    public String pauseCgroup() {
        return pauseCgroup(cgroup(), id);
    }

    /** The pause container's cgroup under pod cgroup {@code podCgroup}. */
    public static String pauseCgroup(String podCgroup, String id) {
        return podCgroup + "/" + id;
    }

    /** NOTREADY because the pause container exited; StopPodSandbox still has to tear down. */
    public SandboxRecord pauseExited() {
        return new SandboxRecord(id, handler, runtime, pauseRuntime, NOTREADY, createdAt, netns, ips, cgroupParent, pausePid, shimPid, config, stopped);
    }

    /** After StopPodSandbox. */
    public SandboxRecord stoppedRecord() {
        return new SandboxRecord(id, handler, runtime, pauseRuntime, NOTREADY, createdAt, netns, ips, cgroupParent, pausePid, shimPid, config, true);
    }

    static String encode(PodSandboxConfig c) {
        return Base64.getEncoder().encodeToString(c.toByteArray());
    }
}
