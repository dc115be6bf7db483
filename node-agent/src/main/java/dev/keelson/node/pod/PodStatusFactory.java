package dev.keelson.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.cri.api.v1.ContainerState;
import dev.keelson.cri.api.v1.ContainerStatus;
import dev.keelson.node.probe.ProbeView;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pod's status from what the runtime holds, computed as the kubelet's {@code generateAPIPodStatus}
 * and {@code getPhase} do: container states (waiting / running / terminated with reasons and
 * times), restart counts, {@code <runtime>://<id>} container ids, the five pod conditions and the
 * phase. Pure; the agent writes the result only when it differs from what the API server has.
 */
public final class PodStatusFactory {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Why a container waits, when the agent knows better than the runtime (pull errors, back-off). */
    public record Waiting(String reason, String message) {}

    /**
     * What the status is made from.
     *
     * @param runtimeName the CRI runtime's name (the scheme of container ids)
     * @param hostIp the node's InternalIP
     * @param waiting reasons by container name that override the runtime's view
     * @param sandboxError why the sandbox could not be made, or null
     * @param probes what the probes say about running containers (ready, started)
     */
    public record Inputs(JsonNode pod, PodRuntime runtime, String runtimeName, String hostIp,
                         Map<String, Waiting> waiting, String sandboxError, Instant now, ProbeView probes) {}

    private PodStatusFactory() {}

    public static ObjectNode status(Inputs in) {
        JsonNode spec = in.pod().path("spec");
        JsonNode old = in.pod().path("status");
        String restartPolicy = spec.path("restartPolicy").asText("Always");
        ObjectNode s = MAPPER.createObjectNode();

        ArrayNode initStatuses = MAPPER.createArrayNode();
        List<String> incompleteInit = new ArrayList<>();
        boolean initFailed = false;
        for (JsonNode c : spec.path("initContainers")) {
            String name = c.path("name").asText();
            Optional<ContainerStatus> latest = in.runtime().latest(name);
            ObjectNode cs = container(in, c, false);
            cs.put("ready", latest.map(l -> l.getState() == ContainerState.CONTAINER_EXITED && l.getExitCode() == 0).orElse(false));
            initStatuses.add(cs);
            boolean done = latest.map(l -> l.getState() == ContainerState.CONTAINER_EXITED && l.getExitCode() == 0).orElse(false);
            if (!done) {
                incompleteInit.add(name);
                if (restartPolicy.equals("Never") && latest.map(l -> l.getState() == ContainerState.CONTAINER_EXITED).orElse(false)) {
                    initFailed = true;
                }
            }
        }
        boolean initialized = incompleteInit.isEmpty();

        ArrayNode statuses = MAPPER.createArrayNode();
        int running = 0;
        int waiting = 0;
        int stopped = 0;
        int succeeded = 0;
        List<String> unready = new ArrayList<>();
        for (JsonNode c : spec.path("containers")) {
            ObjectNode cs = container(in, c, !initialized);
            statuses.add(cs);
            JsonNode state = cs.path("state");
            if (state.has("running")) {
                running++;
            } else if (state.has("terminated")) {
                stopped++;
                if (state.path("terminated").path("exitCode").asInt() == 0) {
                    succeeded++;
                }
            } else if (cs.path("lastState").has("terminated")) {
                stopped++; // waiting to restart after having run: the kubelet counts it as stopped
            } else {
                waiting++;
            }
            if (!cs.path("ready").asBoolean()) {
                unready.add(c.path("name").asText());
            }
        }

        String phase;
        if (initFailed) {
            phase = "Failed";
        } else if (!initialized || waiting > 0) {
            phase = "Pending";
        } else if (running > 0) {
            phase = "Running";
        } else if (stopped > 0) {
            phase = switch (restartPolicy) {
                case "Always" -> "Running";
                case "OnFailure" -> stopped == succeeded ? "Succeeded" : "Running";
                default -> stopped == succeeded ? "Succeeded" : "Failed";
            };
        } else {
            phase = "Pending";
        }
        boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");

        s.put("phase", phase);
        ArrayNode conds = s.putArray("conditions");
        boolean sandboxReady = in.runtime().readySandbox().isPresent() && !terminal;
        condition(conds, old, in.now(), "PodReadyToStartContainers", sandboxReady, null, null);
        condition(conds, old, in.now(), "Initialized", initialized, initialized ? null : "ContainersNotInitialized",
                initialized ? null : "containers with incomplete status: " + incompleteInit);
        boolean ready = unready.isEmpty() && !terminal && initialized;
        String why = terminal ? "PodCompleted" : "ContainersNotReady";
        String msg = terminal ? null : "containers with unready status: " + unready;
        condition(conds, old, in.now(), "Ready", ready, ready ? null : why, ready ? null : msg);
        condition(conds, old, in.now(), "ContainersReady", ready, ready ? null : why, ready ? null : msg);
        condition(conds, old, in.now(), "PodScheduled", true, null, null);
        if (in.sandboxError() != null) {
            s.put("message", in.sandboxError());
        }
        s.put("hostIP", in.hostIp());
        s.putArray("hostIPs").addObject().put("ip", in.hostIp());
        in.runtime().readySandbox().ifPresent(sb -> {
            if (!sb.getNetwork().getIp().isEmpty()) {
                s.put("podIP", sb.getNetwork().getIp());
                ArrayNode ips = s.putArray("podIPs");
                ips.addObject().put("ip", sb.getNetwork().getIp());
                sb.getNetwork().getAdditionalIpsList().forEach(ip -> ips.addObject().put("ip", ip.getIp()));
            }
        });
        if (!s.has("podIP") && old.has("podIP")) {
            // a stopped sandbox keeps the address it had, as kubectl shows for completed pods
            s.set("podIP", old.get("podIP"));
            s.set("podIPs", old.path("podIPs").deepCopy());
        }
        s.put("startTime", old.path("startTime").asText(ts(in.now())));
        if (!initStatuses.isEmpty()) {
            s.set("initContainerStatuses", initStatuses);
        }
        s.set("containerStatuses", statuses);
        s.put("qosClass", old.path("qosClass").asText(qosClass(spec)));
        return s;
    }

    private static ObjectNode container(Inputs in, JsonNode spec, boolean initPending) {
        String name = spec.path("name").asText();
        Optional<ContainerStatus> latest = in.runtime().latest(name);
        Optional<ContainerStatus> previous = in.runtime().previous(name);
        Waiting override = in.waiting().get(name);
        ObjectNode cs = MAPPER.createObjectNode();
        cs.put("name", name).put("image", spec.path("image").asText()).put("imageID", "");
        cs.put("restartCount", latest.map(l -> l.getMetadata().getAttempt()).orElse(0));
        cs.put("ready", false).put("started", false);
        latest.ifPresent(l -> cs.put("imageID", l.getImageRef()).put("containerID", in.runtimeName() + "://" + l.getId()));
        ObjectNode state = cs.putObject("state");
        ObjectNode last = MAPPER.createObjectNode();
        if (override != null) {
            waiting(state, override.reason(), override.message());
            latest.filter(l -> l.getState() == ContainerState.CONTAINER_EXITED).ifPresent(l -> terminated(last, l, in.runtimeName()));
        } else if (latest.isEmpty()) {
            waiting(state, initPending ? "PodInitializing" : "ContainerCreating", null);
        } else {
            ContainerStatus l = latest.get();
            switch (l.getState()) {
                case CONTAINER_RUNNING -> {
                    state.putObject("running").put("startedAt", ts(nanos(l.getStartedAt())));
                    cs.put("ready", in.probes().ready(spec, l.getId())).put("started", in.probes().started(spec, l.getId()));
                }
                case CONTAINER_EXITED -> terminated(state, l, in.runtimeName());
                case CONTAINER_CREATED -> waiting(state, "ContainerCreating", null);
                default -> waiting(state, "ContainerStatusUnknown", "The container could not be located when the pod was terminated");
            }
            previous.filter(p -> p.getState() == ContainerState.CONTAINER_EXITED).ifPresent(p -> terminated(last, p, in.runtimeName()));
        }
        cs.set("lastState", last);
        return cs;
    }

    private static void waiting(ObjectNode state, String reason, String message) {
        ObjectNode w = state.putObject("waiting").put("reason", reason);
        if (message != null) {
            w.put("message", message);
        }
    }

    private static void terminated(ObjectNode state, ContainerStatus c, String runtime) {
        String reason = c.getReason().isEmpty() ? (c.getExitCode() == 0 ? "Completed" : "Error") : c.getReason();
        ObjectNode t = state.putObject("terminated").put("exitCode", c.getExitCode()).put("reason", reason)
                .put("startedAt", ts(nanos(c.getStartedAt()))).put("finishedAt", ts(nanos(c.getFinishedAt())))
                .put("containerID", runtime + "://" + c.getId());
        if (!c.getMessage().isEmpty()) {
            t.put("message", c.getMessage());
        }
    }

    private static void condition(ArrayNode out, JsonNode old, Instant now, String type, boolean on, String reason, String message) {
        String status = on ? "True" : "False";
        String transition = ts(now);
        for (JsonNode c : old.path("conditions")) {
            if (c.path("type").asText().equals(type) && c.path("status").asText().equals(status) && c.hasNonNull("lastTransitionTime")) {
                transition = c.path("lastTransitionTime").asText();
            }
        }
        ObjectNode c = out.addObject().put("type", type).put("status", status).putNull("lastProbeTime")
                .put("lastTransitionTime", transition);
        if (reason != null) {
            c.put("reason", reason);
        }
        if (message != null) {
            c.put("message", message);
        }
    }

    /** Guaranteed when every container has equal cpu and memory requests and limits; BestEffort with none. */
    static String qosClass(JsonNode spec) {
        boolean any = false;
        boolean guaranteed = true;
        for (JsonNode c : spec.path("containers")) {
            JsonNode r = c.path("resources");
            any |= r.path("requests").size() > 0 || r.path("limits").size() > 0;
            for (String k : List.of("cpu", "memory")) {
                String lim = r.path("limits").path(k).asText("");
                String req = r.path("requests").path(k).asText(lim);
                guaranteed &= !lim.isEmpty() && lim.equals(req);
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    private static Instant nanos(long ns) {
        return Instant.ofEpochSecond(0, ns);
    }

    static String ts(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
