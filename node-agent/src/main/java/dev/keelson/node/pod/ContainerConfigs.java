package dev.keelson.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.google.protobuf.ByteString;
import dev.keelson.cri.api.v1.ContainerConfig;
import dev.keelson.cri.api.v1.ContainerMetadata;
import dev.keelson.cri.api.v1.ImageSpec;
import dev.keelson.cri.api.v1.Int64Value;
import dev.keelson.cri.api.v1.KeyValue;
import dev.keelson.cri.api.v1.LinuxContainerConfig;
import dev.keelson.cri.api.v1.LinuxContainerResources;
import dev.keelson.cri.api.v1.LinuxContainerSecurityContext;
import dev.keelson.cri.api.v1.Mount;
import dev.keelson.cri.api.v1.Capability;
import dev.keelson.node.Quantities;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code ContainerConfig} the kubelet derives from one container of a pod: command and args
 * with {@code $(VAR)} expansion, the environment and volume mounts resolved by the caller, working dir, labels and annotations, log path, resources as Linux cgroup
 * settings, and the security context. Pure.
 */
public final class ContainerConfigs {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** CFS period the kubelet uses for CPU limits (100 ms). */
    static final long CPU_PERIOD = 100_000;
    static final long MIN_SHARES = 2;

    private ContainerConfigs() {}

    /** The log path relative to the sandbox's log directory: {@code <container>/<restartCount>.log}. */
    public static String logPath(String container, int restartCount) {
        return container + "/" + restartCount + ".log";
    }

    /**
     * @param env the resolved environment ({@link EnvResolver}), in order
     * @param mounts the container's volume mounts ({@code PodVolumes.mounts})
     */
    public static ContainerConfig of(JsonNode pod, JsonNode container, int restartCount, Map<String, String> env,
                                     List<Mount> mounts) {
        String name = container.path("name").asText();
        ContainerConfig.Builder b = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(restartCount))
                .setImage(ImageSpec.newBuilder().setImage(container.path("image").asText()))
                .setWorkingDir(container.path("workingDir").asText(""))
                .setLogPath(logPath(name, restartCount))
                .setStdin(container.path("stdin").asBoolean(false))
                .setStdinOnce(container.path("stdinOnce").asBoolean(false))
                .setTty(container.path("tty").asBoolean(false));
        for (JsonNode c : container.path("command")) {
            b.addCommand(expand(c.asText(), env));
        }
        for (JsonNode a : container.path("args")) {
            b.addArgs(expand(a.asText(), env));
        }
        b.addAllMounts(mounts);
        env.forEach((k, v) -> b.addEnvs(KeyValue.newBuilder().setKey(k).setValue(ByteString.copyFromUtf8(v))));
        JsonNode meta = pod.path("metadata");
        b.putLabels(CriLabels.CONTAINER_NAME, name)
                .putLabels(CriLabels.POD_NAME, meta.path("name").asText())
                .putLabels(CriLabels.POD_NAMESPACE, meta.path("namespace").asText())
                .putLabels(CriLabels.POD_UID, meta.path("uid").asText());
        b.putAnnotations(CriLabels.CONTAINER_HASH, Integer.toHexString(container.hashCode()))
                .putAnnotations(CriLabels.RESTART_COUNT, Integer.toString(restartCount))
                .putAnnotations(CriLabels.TERMINATION_MESSAGE_PATH, container.path("terminationMessagePath").asText("/dev/termination-log"))
                .putAnnotations(CriLabels.TERMINATION_MESSAGE_POLICY, container.path("terminationMessagePolicy").asText("File"))
                .putAnnotations(CriLabels.TERMINATION_GRACE, Long.toString(pod.path("spec").path("terminationGracePeriodSeconds").asLong(30)));
        if (container.path("ports").size() > 0) {
            ArrayNode ports = MAPPER.createArrayNode();
            container.path("ports").forEach(p -> ports.add(p.deepCopy()));
            b.putAnnotations(CriLabels.PORTS, ports.toString());
        }
        b.setLinux(LinuxContainerConfig.newBuilder().setResources(resources(container.path("resources")))
                .setSecurityContext(security(pod.path("spec").path("securityContext"), container.path("securityContext"))));
        return b.build();
    }

    /** requests.cpu → shares, limits.cpu → CFS quota over a 100 ms period, limits.memory → memory limit. */
    static LinuxContainerResources resources(JsonNode r) {
        LinuxContainerResources.Builder b = LinuxContainerResources.newBuilder();
        String cpuRequest = r.path("requests").path("cpu").asText(r.path("limits").path("cpu").asText(""));
        // no request: the kubelet gives the minimum weight, so best-effort containers yield to others
        long milli = cpuRequest.isEmpty() ? 0 : Quantities.milliCpu(cpuRequest);
        b.setCpuShares(Math.max(MIN_SHARES, milli * 1024 / 1000));
        String cpuLimit = r.path("limits").path("cpu").asText("");
        if (!cpuLimit.isEmpty()) {
            b.setCpuPeriod(CPU_PERIOD).setCpuQuota(Math.max(1000, Quantities.milliCpu(cpuLimit) * CPU_PERIOD / 1000));
        }
        String mem = r.path("limits").path("memory").asText("");
        if (!mem.isEmpty()) {
            b.setMemoryLimitInBytes(Quantities.value(mem));
        }
        return b.build();
    }

    private static LinuxContainerSecurityContext security(JsonNode pod, JsonNode c) {
        LinuxContainerSecurityContext.Builder b = LinuxContainerSecurityContext.newBuilder();
        JsonNode user = c.hasNonNull("runAsUser") ? c.get("runAsUser") : pod.get("runAsUser");
        if (user != null && !user.isNull()) {
            b.setRunAsUser(Int64Value.newBuilder().setValue(user.asLong()));
        }
        JsonNode group = c.hasNonNull("runAsGroup") ? c.get("runAsGroup") : pod.get("runAsGroup");
        if (group != null && !group.isNull()) {
            b.setRunAsGroup(Int64Value.newBuilder().setValue(group.asLong()));
        }
        for (JsonNode g : pod.path("supplementalGroups")) {
            b.addSupplementalGroups(g.asLong());
        }
        b.setPrivileged(c.path("privileged").asBoolean(false))
                .setReadonlyRootfs(c.path("readOnlyRootFilesystem").asBoolean(false))
                .setNoNewPrivs(!c.path("allowPrivilegeEscalation").asBoolean(true));
        JsonNode caps = c.path("capabilities");
        if (!caps.isMissingNode()) {
            Capability.Builder cb = Capability.newBuilder();
            caps.path("add").forEach(x -> cb.addAddCapabilities(x.asText()));
            caps.path("drop").forEach(x -> cb.addDropCapabilities(x.asText()));
            b.setCapabilities(cb);
        }
        return b.build();
    }

    /**
     * Kubernetes' {@code $(VAR)} expansion: a defined variable is replaced, {@code $$} is an escaped
     * {@code $}, an undefined {@code $(VAR)} stays as written.
     */
    static String expand(String s, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (ch == '$' && i + 1 < s.length()) {
                char next = s.charAt(i + 1);
                if (next == '$') {
                    out.append('$');
                    i += 2;
                    continue;
                }
                if (next == '(') {
                    int close = s.indexOf(')', i + 2);
                    if (close > 0) {
                        String var = s.substring(i + 2, close);
                        String v = env.get(var);
                        out.append(v != null ? v : s, v != null ? 0 : i, v != null ? v.length() : close + 1);
                        i = close + 1;
                        continue;
                    }
                }
            }
            out.append(ch);
            i++;
        }
        return out.toString();
    }

    /** Unused-variable-safe view for tests: the expanded command line. */
    static List<String> commandLine(ContainerConfig c) {
        List<String> l = new ArrayList<>(c.getCommandList());
        l.addAll(c.getArgsList());
        return l;
    }
}
