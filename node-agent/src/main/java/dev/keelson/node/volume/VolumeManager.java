package dev.keelson.node.volume;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.node.Quantities;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Sets up and tears down pod volumes under the kubelet's layout:
 *
 * <pre>
 *   &lt;root&gt;/pods/&lt;uid&gt;/volumes/kubernetes.io~empty-dir/&lt;name&gt;     0777 dir, or tmpfs (medium: Memory)
 *   &lt;root&gt;/pods/&lt;uid&gt;/volumes/kubernetes.io~configmap/&lt;name&gt;      files via {@link AtomicWriter}
 *   &lt;root&gt;/pods/&lt;uid&gt;/volumes/kubernetes.io~secret/&lt;name&gt;         tmpfs + {@link AtomicWriter}
 *   &lt;root&gt;/pods/&lt;uid&gt;/volumes/kubernetes.io~downward-api/&lt;name&gt;   files via {@link AtomicWriter}
 *   &lt;root&gt;/pods/&lt;uid&gt;/volumes/kubernetes.io~projected/&lt;name&gt;      tmpfs + {@link AtomicWriter}
 *   hostPath: the host's path itself, after the {@code type} check
 *   persistentVolumeClaim: the bound PersistentVolume's hostPath or local path ({@link ClaimVolumes})
 * </pre>
 *
 * {@link #prepare} is idempotent and level-triggered: each sync rewrites a configMap/secret volume
 * only when its content changed, so updates reach running containers with one atomic swap.
 */
public final class VolumeManager {
    private final Path root;
    private final Payloads payloads;
    private final ClaimVolumes claims;

    /** @param root the agent's state root (the kubelet's {@code --root-dir}, /var/lib/kubelet) */
    public VolumeManager(Path root, ObjectSource objects, ResourceFields.Allocatable allocatable) {
        this.root = root.toAbsolutePath().normalize();
        this.payloads = new Payloads(objects, allocatable);
        this.claims = new ClaimVolumes(objects);
    }

    /** {@code <root>/pods/<uid>}. */
    public Path podDir(String uid) {
        if (!uid.matches("[A-Za-z0-9-]+")) {
            throw new IllegalArgumentException("pod uid \"" + uid + "\" is not a uid");
        }
        return root.resolve("pods").resolve(uid);
    }

    /**
     * Makes every volume of {@code pod} ready to mount, refreshing the content of those made from
     * API objects.
     *
     * @throws VolumeException naming the first volume that could not be set up
     */
    public PodVolumes prepare(JsonNode pod) throws VolumeException {
        Path volumes = podDir(pod.path("metadata").path("uid").asText()).resolve("volumes");
        Map<String, PodVolumes.Volume> out = new LinkedHashMap<>();
        for (JsonNode v : pod.path("spec").path("volumes")) {
            String name = v.path("name").asText();
            if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw new VolumeException(name, "volume name \"" + name + "\" is not a DNS label");
            }
            try {
                out.put(name, one(pod, name, v, volumes));
            } catch (IOException | RuntimeException e) {
                throw new VolumeException(name, e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        }
        return new PodVolumes(out);
    }

    private PodVolumes.Volume one(JsonNode pod, String name, JsonNode v, Path volumes) throws IOException, VolumeException {
        if (v.has("emptyDir")) {
            Path dir = volumes.resolve("kubernetes.io~empty-dir").resolve(name);
            JsonNode ed = v.path("emptyDir");
            if (ed.path("medium").asText("").equals("Memory")) {
                String size = ed.path("sizeLimit").asText("");
                Tmpfs.ensure(dir, size.isEmpty() ? 0 : Quantities.value(size));
            } else if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            // world-writable like the kubelet's emptyDir, so containers running as any user can share it
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            return new PodVolumes.Volume(name, dir, false, true);
        }
        if (v.has("hostPath")) {
            JsonNode hp = v.path("hostPath");
            return new PodVolumes.Volume(name, HostPaths.check(name, hp.path("path").asText(), hp.path("type").asText("")), false, true);
        }
        if (v.has("persistentVolumeClaim")) {
            return claims.resolve(pod.path("metadata").path("namespace").asText("default"), name,
                    v.path("persistentVolumeClaim"));
        }
        if (v.has("configMap")) {
            JsonNode src = v.path("configMap");
            Path dir = volumes.resolve("kubernetes.io~configmap").resolve(name);
            write(name, dir, payloads.configMap(pod, name, src, src.path("defaultMode").asInt(Payloads.DEFAULT_MODE)));
            return new PodVolumes.Volume(name, dir, true, false);
        }
        if (v.has("secret")) {
            JsonNode src = v.path("secret");
            Path dir = volumes.resolve("kubernetes.io~secret").resolve(name);
            var files = payloads.secret(pod, name, src, src.path("defaultMode").asInt(Payloads.SECRET_DEFAULT_MODE));
            Tmpfs.ensure(dir, 0); // secrets never touch the node's disk
            write(name, dir, files);
            return new PodVolumes.Volume(name, dir, true, false);
        }
        if (v.has("downwardAPI")) {
            JsonNode src = v.path("downwardAPI");
            Path dir = volumes.resolve("kubernetes.io~downward-api").resolve(name);
            write(name, dir, payloads.downwardApi(pod, name, src, src.path("defaultMode").asInt(Payloads.DEFAULT_MODE)));
            return new PodVolumes.Volume(name, dir, true, false);
        }
        if (v.has("projected")) {
            Path dir = volumes.resolve("kubernetes.io~projected").resolve(name);
            var files = payloads.projected(pod, name, v.path("projected"));
            Tmpfs.ensure(dir, 0); // may hold secrets and tokens
            write(name, dir, files);
            return new PodVolumes.Volume(name, dir, true, false);
        }
        String kind = v.properties().stream().map(Map.Entry::getKey).filter(k -> !k.equals("name")).findFirst().orElse("(none)");
        throw new VolumeException(name, "volume type " + kind + " is not supported by this node agent");
    }

    private static void write(String volume, Path dir, Map<String, FileProjection> files) throws VolumeException, IOException {
        try {
            AtomicWriter.write(dir, files);
        } catch (IllegalArgumentException e) {
            throw new VolumeException(volume, e.getMessage(), e);
        }
    }

    /**
     * Unmounts and removes {@code <root>/pods/<uid>}. The tree is deleted only after no mount is
     * left inside it, so a failed unmount never lets the delete reach into a mounted file system.
     */
    public void teardown(String uid) throws IOException {
        Path dir = podDir(uid);
        if (!Files.exists(dir)) {
            return;
        }
        Tmpfs.unmountUnder(dir);
        Path abs = dir.toAbsolutePath().normalize();
        if (Tmpfs.mountPoints().stream().anyMatch(p -> p.startsWith(abs))) {
            throw new IOException("pod directory " + dir + " still has mounts after unmounting; not removing it");
        }
        dev.keelson.linux.FileTrees.delete(dir);
    }

    /** Uids with a directory under {@code <root>/pods} (for cleaning up after pods the agent forgot). */
    public Set<String> podsOnDisk() throws IOException {
        Set<String> out = new HashSet<>();
        Path pods = root.resolve("pods");
        if (Files.isDirectory(pods)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(pods)) {
                s.forEach(p -> out.add(p.getFileName().toString()));
            }
        }
        return out;
    }
}
