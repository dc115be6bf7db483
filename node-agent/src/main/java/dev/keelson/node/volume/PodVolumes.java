package dev.keelson.node.volume;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.cri.api.v1.Mount;
import dev.keelson.cri.api.v1.MountPropagation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pod's prepared volumes by name, and the CRI {@link Mount}s a container's {@code volumeMounts}
 * become.
 *
 * @param volumes the host directory (or file) of each volume
 */
public record PodVolumes(Map<String, Volume> volumes) {
    /**
     * One prepared volume.
     *
     * @param hostPath what gets bind-mounted
     * @param readOnly the plugin forces read-only mounts (configMap, secret, downwardAPI, projected)
     * @param createSubPaths a missing {@code subPath} is created (emptyDir, hostPath)
     */
    public record Volume(String name, Path hostPath, boolean readOnly, boolean createSubPaths) {}

    public PodVolumes {
        volumes = Map.copyOf(volumes);
    }

    /**
     * The mounts of one container: {@code mountPath}, {@code readOnly}, {@code subPath} (resolved on
     * the host and kept inside the volume, as the kubelet's subpath checks do) and
     * {@code mountPropagation}.
     *
     * @throws VolumeException for an unknown volume or a subPath that escapes its volume
     */
    public List<Mount> mounts(JsonNode container) throws VolumeException {
        List<Mount> out = new ArrayList<>();
        for (JsonNode m : container.path("volumeMounts")) {
            String name = m.path("name").asText();
            Volume v = volumes.get(name);
            if (v == null) {
                throw new VolumeException(name, "cannot find volume \"" + name + "\" to mount into container \""
                        + container.path("name").asText() + "\"");
            }
            Path host = v.hostPath();
            String sub = m.path("subPath").asText("");
            if (!sub.isEmpty()) {
                host = subPath(v, sub);
            }
            out.add(Mount.newBuilder().setContainerPath(m.path("mountPath").asText()).setHostPath(host.toString())
                    .setReadonly(v.readOnly() || m.path("readOnly").asBoolean(false))
                    .setPropagation(switch (m.path("mountPropagation").asText("None")) {
                        case "HostToContainer" -> MountPropagation.PROPAGATION_HOST_TO_CONTAINER;
                        case "Bidirectional" -> MountPropagation.PROPAGATION_BIDIRECTIONAL;
                        default -> MountPropagation.PROPAGATION_PRIVATE;
                    }).build());
        }
        return out;
    }

    private static Path subPath(Volume v, String sub) throws VolumeException {
        Path rel = Path.of(sub);
        if (rel.isAbsolute() || sub.equals("..") || sub.startsWith("../") || sub.contains("/../") || sub.endsWith("/..")) {
            throw new VolumeException(v.name(), "subPath \"" + sub + "\" must be a relative path without '..'");
        }
        try {
            Path root = v.hostPath().toRealPath();
            Path p = v.hostPath().resolve(rel);
            if (!Files.exists(p) && v.createSubPaths()) {
                Files.createDirectories(p);
            }
            // symlinks (configMap keys point into ..data) are resolved once, as the kubelet binds the target
            Path real = p.toRealPath();
            if (!real.startsWith(root)) {
                throw new VolumeException(v.name(), "subPath \"" + sub + "\" resolves to " + real + ", outside volume " + root);
            }
            return real;
        } catch (IOException e) {
            throw new VolumeException(v.name(), "subPath \"" + sub + "\" of volume \"" + v.name() + "\": " + e, e);
        }
    }
}
