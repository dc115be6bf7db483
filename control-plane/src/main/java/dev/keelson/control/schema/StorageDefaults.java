package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Defaults of the storage kinds: core/v1 {@code SetDefaults_PersistentVolume},
 * {@code SetDefaults_PersistentVolumeClaim} and storage/v1 {@code SetDefaults_StorageClass}.
 * A claim's default StorageClass is not set here: that is admission (it needs the store).
 */
final class StorageDefaults {
    private StorageDefaults() {}

    static void persistentVolume(ObjectNode pv) {
        ObjectNode spec = Json.obj(pv, "spec");
        Json.putIfAbsent(spec, "persistentVolumeReclaimPolicy", "Retain");
        Json.putIfAbsent(spec, "volumeMode", "Filesystem");
        if (spec.get("hostPath") instanceof ObjectNode hostPath) {
            Json.putIfAbsent(hostPath, "type", "");
        }
        Json.putIfAbsent(Json.obj(pv, "status"), "phase", "Pending");
    }

    static void persistentVolumeClaim(ObjectNode pvc) {
        Json.putIfAbsent(Json.obj(pvc, "spec"), "volumeMode", "Filesystem");
        Json.putIfAbsent(Json.obj(pvc, "status"), "phase", "Pending");
    }

    static void storageClass(ObjectNode sc) {
        Json.putIfAbsent(sc, "reclaimPolicy", "Delete");
        Json.putIfAbsent(sc, "volumeBindingMode", "Immediate");
    }
}
