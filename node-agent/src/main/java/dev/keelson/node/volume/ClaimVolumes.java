package dev.keelson.node.volume;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code persistentVolumeClaim} volumes: the claim names a bound PersistentVolume, whose
 * {@code hostPath} or {@code local} path is what the containers get bind-mounted. A claim that is
 * not bound yet fails with the kubelet's wording, so the pod waits in ContainerCreating with a
 * FailedMount event and is retried. Directories of hostPath volumes with type DirectoryOrCreate
 * (what the local provisioner makes) are created here, on the node that uses them.
 */
final class ClaimVolumes {
    private final ObjectSource objects;

    ClaimVolumes(ObjectSource objects) {
        this.objects = objects;
    }

    PodVolumes.Volume resolve(String namespace, String name, JsonNode source) throws VolumeException {
        String claimName = source.path("claimName").asText("");
        if (claimName.isEmpty()) {
            throw new VolumeException(name, "persistentVolumeClaim.claimName is empty");
        }
        JsonNode claim = objects.claim(namespace, claimName).orElseThrow(
                () -> new VolumeException(name, "persistentvolumeclaim \"" + claimName + "\" not found"));
        String phase = claim.path("status").path("phase").asText("");
        String volumeName = claim.path("spec").path("volumeName").asText("");
        if (!phase.equals("Bound") || volumeName.isEmpty()) {
            throw new VolumeException(name, "PVC " + namespace + "/" + claimName + " has non-bound phase (\"" + phase
                    + "\") or empty pvc.Spec.VolumeName (\"" + volumeName + "\")");
        }
        JsonNode pv = objects.persistentVolume(volumeName).orElseThrow(
                () -> new VolumeException(name, "persistentvolume \"" + volumeName + "\" not found"));
        String uid = pv.path("spec").path("claimRef").path("uid").asText("");
        if (!uid.isEmpty() && !uid.equals(claim.path("metadata").path("uid").asText())) {
            throw new VolumeException(name, "persistentvolume \"" + volumeName + "\" is bound to another claim");
        }
        boolean readOnly = source.path("readOnly").asBoolean(false);
        JsonNode spec = pv.path("spec");
        if (spec.has("hostPath")) {
            JsonNode hp = spec.path("hostPath");
            Path path = HostPaths.check(name, hp.path("path").asText(), hp.path("type").asText(""));
            return new PodVolumes.Volume(name, path, readOnly, true);
        }
        if (spec.has("local")) {
            Path path = Path.of(spec.path("local").path("path").asText());
            if (!path.isAbsolute() || !Files.exists(path)) {
                throw new VolumeException(name, "local volume path \"" + path + "\" of persistentvolume \""
                        + volumeName + "\" does not exist on this node");
            }
            return new PodVolumes.Volume(name, path, readOnly, true);
        }
        throw new VolumeException(name, "persistentvolume \"" + volumeName
                + "\" is neither hostPath nor local, which this node agent cannot mount");
    }
}
