package dev.keelson.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.cri.api.v1.ContainerConfig;
import dev.keelson.cri.api.v1.ContainerState;
import dev.keelson.cri.api.v1.ContainerStatus;
import dev.keelson.cri.api.v1.CreateContainerRequest;
import dev.keelson.cri.api.v1.DNSConfig;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import dev.keelson.cri.api.v1.PodSandboxStatus;
import dev.keelson.cri.api.v1.RemoveContainerRequest;
import dev.keelson.cri.api.v1.RunPodSandboxRequest;
import dev.keelson.cri.api.v1.StartContainerRequest;
import dev.keelson.node.NodeAgentConfig;
import dev.keelson.node.cri.CriConnection;
import dev.keelson.node.node.MachineInfo;
import dev.keelson.node.probe.ProbeKind;
import dev.keelson.node.probe.ProbeManager;
import dev.keelson.node.probe.Prober;
import dev.keelson.node.volume.FieldRefs;
import dev.keelson.node.volume.ObjectSource;
import dev.keelson.node.volume.PodVolumes;
import dev.keelson.node.volume.ResourceFields;
import dev.keelson.node.volume.VolumeException;
import dev.keelson.node.volume.VolumeManager;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One level-triggered pass over one pod, in the kubelet's CRI call order: sandbox → image →
 * init containers one at a time (each must exit 0) → containers → status. Restarts follow
 * {@code restartPolicy} with {@link Backoff}; a pod being deleted or gone from the API is handed to
 * {@link PodKiller}. Every failure becomes a waiting reason in the status and a Warning event, and
 * a re-sync is scheduled; nothing here throws at the caller for a runtime or API error.
 */
public final class PodSyncer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The agent's notes about one pod between passes. */
    private static final class PodNotes {
        final Map<String, PodStatusFactory.Waiting> waiting = new ConcurrentHashMap<>();
        volatile String sandboxError;
        /** When the next periodic re-sync is due (one timer per pod, not one per pass). */
        volatile Instant periodicDue = Instant.MIN;
    }

    private final NodeAgentConfig config;
    private final KubeClient client;
    private final CriConnection cri;
    private final Backoff backoff;
    private final EventRecorder events;
    private final StatusWriter statuses;
    private final PodKiller killer;
    private final LifecycleHooks hooks;
    private volatile boolean closed;
    private final ImagePuller images;
    private final String runtimeName;
    private final String hostIp;
    private final DNSConfig hostResolv;
    private final BiConsumer<String, Duration> resyncLater;
    private final Consumer<String> log;
    private final Map<String, PodNotes> notes = new ConcurrentHashMap<>();
    private final VolumeManager volumes;
    private final EnvResolver envs;
    private final ProbeManager probes;

    public PodSyncer(NodeAgentConfig config, KubeClient client, CriConnection cri, String runtimeName, String hostIp,
                     DNSConfig hostResolv, BiConsumer<String, Duration> resyncLater, Consumer<String> log) {
        this.config = config;
        this.client = client;
        this.cri = cri;
        this.runtimeName = runtimeName;
        this.hostIp = hostIp;
        this.hostResolv = hostResolv;
        this.resyncLater = resyncLater;
        this.log = log;
        this.backoff = new Backoff(config.timings().backoffInitial(), config.timings().backoffMax());
        this.events = new EventRecorder(client, config.nodeName(), log);
        this.statuses = new StatusWriter(client);
        Prober prober = new Prober(cri);
        this.hooks = new LifecycleHooks(prober, events, log);
        this.killer = new PodKiller(cri, events, hooks, log);
        this.images = new ImagePuller(cri, events);
        MachineInfo m = MachineInfo.read();
        var allocatable = new ResourceFields.Allocatable(m.cpus() * 1000L, m.memoryTotal(), m.rootfsTotal());
        ObjectSource objects = ObjectSource.of(client);
        this.volumes = new VolumeManager(config.rootDir(), objects, allocatable);
        this.envs = new EnvResolver(objects, allocatable);
        this.probes = new ProbeManager(prober, new ProbeEvents(), log);
    }

    /** What the probes report to the pods: events, status rewrites, liveness kills. */
    private final class ProbeEvents implements ProbeManager.Listener {
        @Override
        public void changed(String podUid) {
            resyncLater.accept(podUid, Duration.ZERO);
        }

        @Override
        public void failedOnce(JsonNode pod, String container, ProbeKind kind, String message) {
            events.warning(pod, "Unhealthy", kind.title() + " probe failed: " + message);
        }

        @Override
        public void unhealthy(JsonNode pod, String container, String containerId, ProbeKind kind, String message) {
            events.normal(pod, "Killing", "Container " + container + " failed " + kind.title().toLowerCase()
                    + " probe, will be restarted");
            killer.stopContainer(pod, container, containerId, probeGrace(pod, container, kind));
            resyncLater.accept(pod.path("metadata").path("uid").asText(), Duration.ZERO);
        }
    }

    /** The probe's own terminationGracePeriodSeconds when set, else the pod's. */
    private static long probeGrace(JsonNode pod, String container, ProbeKind kind) {
        for (JsonNode c : pod.path("spec").path("containers")) {
            JsonNode p = c.path(kind.field());
            if (c.path("name").asText().equals(container) && p.hasNonNull("terminationGracePeriodSeconds")) {
                return p.path("terminationGracePeriodSeconds").asLong();
            }
        }
        return pod.path("spec").path("terminationGracePeriodSeconds").asLong(30);
    }

    /**
     * Tears down volume directories of pods this agent does not run (deleted while it was down).
     *
     * @param known uids of the pods the agent has workers for
     */
    public void cleanupOrphanVolumes(java.util.Set<String> known) {
        try {
            for (String uid : volumes.podsOnDisk()) {
                if (!known.contains(uid)) {
                    log.accept("removing volumes of pod " + uid + ", which this node no longer runs");
                    volumes.teardown(uid);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.accept("cleaning up orphaned pod volumes: " + e.getMessage());
        }
    }

    /** Stops the probe timers. */
    public void close() {
        closed = true;
        probes.close();
    }

    /**
     * Brings the runtime in line with {@code pod}.
     *
     * @param pod the newest known object (for a removed pod: the last one seen)
     * @param removed the pod is gone from the API server
     * @return true when the pod is finished with (torn down and deleted): its worker can go
     */
    public boolean sync(ObjectNode pod, boolean removed) {
        String uid = pod.path("metadata").path("uid").asText();
        try {
            if (removed) {
                probes.removePod(uid);
                killer.kill(pod, graceSeconds(pod), true);
                teardownVolumes(pod);
                forget(uid);
                return true;
            }
            if (pod.path("metadata").has("deletionTimestamp")) {
                probes.removePod(uid);
                killer.kill(pod, graceSeconds(pod), true);
                teardownVolumes(pod);
                delete(pod);
                forget(uid);
                return true;
            }
            if (StatusWriter.terminal(pod.path("status").path("phase").asText())) {
                probes.removePod(uid);
                killer.stopIfRunning(pod);
                return false;
            }
            run(pod, uid);
        } catch (StatusRuntimeException | ApiException | java.io.UncheckedIOException | IllegalStateException e) {
            if (closed) {
                return false; // the agent is stopping: its channels close under the passes still running
            }
            log.accept("pod " + key(pod) + ": " + e.getMessage() + "; retrying in " + config.timings().relist().toSeconds() + " s");
            resyncLater.accept(uid, Duration.ofSeconds(2));
        }
        return false;
    }

    private void run(ObjectNode pod, String uid) {
        PodNotes n = notes.computeIfAbsent(uid, u -> new PodNotes());
        JsonNode spec = pod.path("spec");
        String policy = spec.path("restartPolicy").asText("Always");
        PodRuntime rt = PodRuntime.read(cri, uid);
        PodVolumes vols;
        try {
            // before the sandbox, as the kubelet waits for volumes before SyncPod; also refreshes contents
            vols = volumes.prepare(pod);
            backoff.forget(uid + "/volumes");
        } catch (VolumeException e) {
            events.warning(pod, "FailedMount", "MountVolume.SetUp failed for volume \"" + e.volume() + "\" : " + e.getMessage());
            String key = uid + "/volumes";
            backoff.restarted(key);
            resyncLater.accept(uid, backoff.current(key));
            writeStatus(pod, rt, n);
            return;
        }
        if (rt.readySandbox().isEmpty()) {
            boolean ranBefore = !rt.sandboxes().isEmpty() && !rt.containers().isEmpty();
            if (!(ranBefore && policy.equals("Never")) && !createSandbox(pod, uid, rt, n)) {
                writeStatus(pod, PodRuntime.read(cri, uid), n);
                return;
            }
            rt = PodRuntime.read(cri, uid);
        }
        if (rt.readySandbox().isPresent()) {
            PodSandboxStatus sb = rt.readySandbox().get();
            PodSandboxConfig sandboxConfig = SandboxConfigs.of(config, pod, sb.getMetadata().getAttempt(), hostResolv);
            var facts = new PodFacts(new FieldRefs.Facts(sb.getNetwork().getIp(), hostIp, config.nodeName()), vols);
            boolean initDone = true;
            for (JsonNode c : spec.path("initContainers")) {
                var latest = rt.latest(c.path("name").asText());
                if (latest.isPresent() && exited(latest.get()) && latest.get().getExitCode() == 0) {
                    continue;
                }
                initDone = false;
                if (latest.isEmpty()) {
                    start(pod, c, 0, sb.getId(), sandboxConfig, facts, n);
                } else if (exited(latest.get()) && !policy.equals("Never")) {
                    restart(pod, c, latest.get(), sb.getId(), sandboxConfig, facts, n);
                }
                break;
            }
            if (initDone) {
                for (JsonNode c : spec.path("containers")) {
                    var latest = rt.latest(c.path("name").asText());
                    if (latest.isEmpty()) {
                        start(pod, c, 0, sb.getId(), sandboxConfig, facts, n);
                    } else if (exited(latest.get()) && shouldRestart(policy, latest.get().getExitCode())) {
                        restart(pod, c, latest.get(), sb.getId(), sandboxConfig, facts, n);
                    } else {
                        n.waiting.remove(c.path("name").asText());
                    }
                }
            }
            rt = PodRuntime.read(cri, uid);
            Map<String, String> running = new HashMap<>();
            rt.containers().stream().filter(c -> c.getState() == ContainerState.CONTAINER_RUNNING)
                    .forEach(c -> running.putIfAbsent(c.getMetadata().getName(), c.getId()));
            probes.sync(pod, running, sb.getNetwork().getIp());
        }
        writeStatus(pod, rt, n);
        Instant now = Instant.now();
        if (!now.isBefore(n.periodicDue)) {
            n.periodicDue = now.plus(config.timings().sync());
            resyncLater.accept(uid, config.timings().sync());
        }
    }

    /** What a container's env and mounts are made from. */
    private record PodFacts(FieldRefs.Facts fields, PodVolumes volumes) {}

    private void teardownVolumes(JsonNode pod) {
        try {
            volumes.teardown(pod.path("metadata").path("uid").asText());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("tearing down volumes of pod " + key(pod) + ": " + e.getMessage(), e);
        }
    }

    private boolean createSandbox(ObjectNode pod, String uid, PodRuntime rt, PodNotes n) {
        int attempt = rt.sandboxes().isEmpty() ? 0 : rt.sandboxes().get(0).getMetadata().getAttempt() + 1;
        String key = uid + "/";
        Instant failedAt = Instant.now();
        try {
            if (!rt.sandboxes().isEmpty()) {
                killer.stopSandboxes(rt); // the kubelet kills a dead sandbox's leftovers before making a new one
            }
            PodSandboxConfig sc = SandboxConfigs.of(config, pod, attempt, hostResolv);
            Files.createDirectories(java.nio.file.Path.of(sc.getLogDirectory()));
            cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(sc).build());
            n.sandboxError = null;
            return true;
        } catch (StatusRuntimeException | IOException e) {
            String msg = "Failed to create pod sandbox: " + describe(e);
            n.sandboxError = msg;
            events.warning(pod, "FailedCreatePodSandBox", msg);
            backoff.restarted(key);
            resyncLater.accept(uid, backoff.remaining(key, failedAt, Instant.now()));
            return false;
        }
    }

    private void restart(ObjectNode pod, JsonNode c, ContainerStatus latest, String sandboxId, PodSandboxConfig sc,
                         PodFacts facts, PodNotes n) {
        String name = c.path("name").asText();
        String uid = pod.path("metadata").path("uid").asText();
        String key = uid + "/" + name;
        Duration left = backoff.remaining(key, Instant.ofEpochSecond(0, latest.getFinishedAt()), Instant.now());
        if (!left.isZero()) {
            Duration delay = backoff.current(key);
            n.waiting.put(name, new PodStatusFactory.Waiting("CrashLoopBackOff", "back-off " + delay.toSeconds()
                    + "s restarting failed container=" + name + " pod=" + pod.path("metadata").path("name").asText()
                    + "_" + pod.path("metadata").path("namespace").asText() + "(" + uid + ")"));
            events.warning(pod, "BackOff", "Back-off restarting failed container " + name + " in pod " + key(pod));
            resyncLater.accept(uid, left);
            return;
        }
        backoff.restarted(key);
        // keep only the newest dead instance (for lastState), as the kubelet's container GC does
        PodRuntime rt = PodRuntime.read(cri, uid);
        rt.containers().stream().filter(x -> x.getMetadata().getName().equals(name) && exited(x)
                && x.getMetadata().getAttempt() < latest.getMetadata().getAttempt()).forEach(x -> {
                    try {
                        cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(x.getId()).build());
                    } catch (StatusRuntimeException e) {
                        log.accept("removing old container " + x.getId() + ": " + describe(e));
                    }
                });
        start(pod, c, latest.getMetadata().getAttempt() + 1, sandboxId, sc, facts, n);
    }

    /** ImageStatus/PullImage, CreateContainer, StartContainer; failures become waiting reasons. */
    private void start(ObjectNode pod, JsonNode c, int attempt, String sandboxId, PodSandboxConfig sc,
                       PodFacts facts, PodNotes n) {
        String name = c.path("name").asText();
        String uid = pod.path("metadata").path("uid").asText();
        PodStatusFactory.Waiting pullProblem = images.ensure(pod, c);
        if (pullProblem != null) {
            n.waiting.put(name, pullProblem);
            String key = uid + "/" + name + "/pull";
            backoff.restarted(key);
            resyncLater.accept(uid, backoff.current(key));
            return;
        }
        ContainerConfig cc;
        try {
            cc = ContainerConfigs.of(pod, c, attempt, envs.resolve(pod, c, facts.fields()), facts.volumes().mounts(c));
        } catch (IllegalArgumentException | VolumeException e) {
            fail(pod, n, name, "CreateContainerConfigError", e.getMessage());
            return;
        }
        String id;
        try {
            Files.createDirectories(java.nio.file.Path.of(sc.getLogDirectory(), name));
            id = cri.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(sandboxId)
                    .setConfig(cc).setSandboxConfig(sc).build()).getContainerId();
        } catch (StatusRuntimeException | IOException e) {
            fail(pod, n, name, "CreateContainerError", describe(e));
            return;
        }
        events.normal(pod, "Created", "Created container " + name);
        try {
            cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        } catch (StatusRuntimeException e) {
            fail(pod, n, name, "RunContainerError", describe(e));
            return;
        }
        if (c.path("lifecycle").has("postStart") && !hooks.postStart(pod, c, id, facts.fields().podIp())) {
            // the kubelet kills a container whose postStart handler failed; it restarts per restartPolicy
            killer.stopContainer(pod, name, id, graceSeconds(pod));
            fail(pod, n, name, "PostStartHookError", "PostStartHook failed");
            return;
        }
        n.waiting.remove(name);
        events.normal(pod, "Started", "Started container " + name);
    }

    private void fail(ObjectNode pod, PodNotes n, String name, String reason, String message) {
        n.waiting.put(name, new PodStatusFactory.Waiting(reason, message));
        events.warning(pod, "Failed", "Error: " + message);
        String uid = pod.path("metadata").path("uid").asText();
        String key = uid + "/" + name;
        backoff.restarted(key);
        resyncLater.accept(uid, backoff.current(key));
    }

    private void writeStatus(ObjectNode pod, PodRuntime rt, PodNotes n) {
        ObjectNode status = PodStatusFactory.status(new PodStatusFactory.Inputs(pod, rt, runtimeName, hostIp,
                Map.copyOf(n.waiting), n.sandboxError, Instant.now(), probes));
        statuses.write(pod, status);
    }

    private void delete(ObjectNode pod) {
        JsonNode m = pod.path("metadata");
        ObjectNode opts = MAPPER.createObjectNode();
        opts.put("apiVersion", "v1").put("kind", "DeleteOptions").put("gracePeriodSeconds", 0);
        opts.putObject("preconditions").put("uid", m.path("uid").asText());
        try {
            client.delete(Resource.PODS, m.path("namespace").asText(), m.path("name").asText(), opts);
            log.accept("pod " + key(pod) + " deleted");
        } catch (ApiException e) {
            if (!e.notFound() && !e.conflict()) {
                throw e;
            }
        }
    }

    private void forget(String uid) {
        notes.remove(uid);
        backoff.forgetPod(uid);
    }

    private static long graceSeconds(JsonNode pod) {
        JsonNode m = pod.path("metadata");
        return m.hasNonNull("deletionGracePeriodSeconds") ? m.path("deletionGracePeriodSeconds").asLong()
                : pod.path("spec").path("terminationGracePeriodSeconds").asLong(30);
    }

    static boolean shouldRestart(String policy, int exitCode) {
        return policy.equals("Always") || (policy.equals("OnFailure") && exitCode != 0);
    }

    private static boolean exited(ContainerStatus c) {
        return c.getState() == ContainerState.CONTAINER_EXITED;
    }

    static String key(JsonNode pod) {
        return pod.path("metadata").path("namespace").asText() + "/" + pod.path("metadata").path("name").asText();
    }

    static String describe(Exception e) {
        if (e instanceof StatusRuntimeException s) {
            return "rpc error: code = " + s.getStatus().getCode() + " desc = " + s.getStatus().getDescription();
        }
        return e.getMessage();
    }
}
