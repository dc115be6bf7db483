package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.model.Quantity;
import java.util.ArrayList;
import java.util.List;

/**
 * Validation of PersistentVolumes, PersistentVolumeClaims and StorageClasses, worded like
 * Kubernetes' {@code ValidatePersistentVolumeSpec}, {@code ValidatePersistentVolumeClaimSpec} and
 * {@code ValidateStorageClass}.
 */
final class StorageValidation {
    static final List<String> ACCESS_MODES = List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce",
            "ReadWriteOncePod");
    private static final List<String> VOLUME_MODES = List.of("Block", "Filesystem");
    private static final List<String> PV_RECLAIM = List.of("Delete", "Recycle", "Retain");
    private static final List<String> SC_RECLAIM = List.of("Delete", "Retain");
    private static final List<String> BINDING_MODES = List.of("Immediate", "WaitForFirstConsumer");
    /** The volume sources a PersistentVolume may name (PersistentVolumeSource's fields). */
    private static final List<String> SOURCES = List.of("gcePersistentDisk", "awsElasticBlockStore", "hostPath",
            "glusterfs", "nfs", "rbd", "iscsi", "cinder", "cephfs", "fc", "flocker", "flexVolume", "azureFile",
            "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "local",
            "storageos", "csi");

    private StorageValidation() {}

    static void persistentVolume(JsonNode spec, FieldErrors errs) {
        accessModes(spec.path("accessModes"), errs);
        JsonNode capacity = spec.path("capacity");
        if (capacity.isEmpty()) {
            errs.required("spec.capacity", null);
        } else if (!capacity.has("storage") || capacity.size() != 1) {
            errs.notSupported("spec.capacity", capacity.fieldNames().next(), List.of("storage"));
        } else {
            positive(capacity.get("storage"), "spec.capacity[storage]", errs);
        }
        oneOf(spec.path("persistentVolumeReclaimPolicy"), "spec.persistentVolumeReclaimPolicy", PV_RECLAIM, errs);
        oneOf(spec.path("volumeMode"), "spec.volumeMode", VOLUME_MODES, errs);
        List<String> sources = new ArrayList<>();
        for (String s : SOURCES) {
            if (spec.hasNonNull(s)) {
                sources.add(s);
            }
        }
        if (sources.isEmpty()) {
            errs.required("spec", "must specify a volume type");
        } else if (sources.size() > 1) {
            errs.forbidden("spec." + sources.get(1), "may not specify more than 1 volume type");
        }
        for (String s : List.of("hostPath", "local")) {
            JsonNode path = spec.path(s).path("path");
            if (spec.has(s) && path.asText("").isEmpty()) {
                errs.required("spec." + s + ".path", null);
            }
        }
        if (spec.has("local") && spec.path("nodeAffinity").isMissingNode()) {
            errs.required("spec.nodeAffinity", "Local volumes require node affinity");
        }
        JsonNode required = spec.path("nodeAffinity").path("required");
        if (spec.has("nodeAffinity") && required.path("nodeSelectorTerms").isEmpty()) {
            errs.required("spec.nodeAffinity.required.nodeSelectorTerms", "must have at least one node selector term");
        }
    }

    static void claim(JsonNode spec, FieldErrors errs) {
        accessModes(spec.path("accessModes"), errs);
        JsonNode storage = spec.path("resources").path("requests").path("storage");
        if (storage.isMissingNode()) {
            errs.required("spec.resources[storage]", null);
        } else {
            positive(storage, "spec.resources[storage]", errs);
        }
        oneOf(spec.path("volumeMode"), "spec.volumeMode", VOLUME_MODES, errs);
        JsonNode cls = spec.path("storageClassName");
        if (cls.isTextual() && !cls.asText().isEmpty()) {
            errs.invalidEach("spec.storageClassName", cls.asText(), NameRules.dns1123Subdomain(cls.asText()));
        }
    }

    static void storageClass(JsonNode sc, FieldErrors errs) {
        String provisioner = sc.path("provisioner").asText("");
        if (provisioner.isEmpty()) {
            errs.required("provisioner", null);
        } else {
            errs.invalidEach("provisioner", provisioner, NameRules.qualifiedName(provisioner));
        }
        oneOf(sc.path("reclaimPolicy"), "reclaimPolicy", SC_RECLAIM, errs);
        oneOf(sc.path("volumeBindingMode"), "volumeBindingMode", BINDING_MODES, errs);
    }

    private static void accessModes(JsonNode modes, FieldErrors errs) {
        if (modes.isEmpty()) {
            errs.required("spec.accessModes", "at least 1 access mode is required");
        }
        for (JsonNode m : modes) {
            if (!ACCESS_MODES.contains(m.asText())) {
                errs.notSupported("spec.accessModes", m.asText(), ACCESS_MODES);
            }
        }
    }

    private static void positive(JsonNode quantity, String field, FieldErrors errs) {
        try {
            if (Quantity.parse(quantity.asText()).compareTo(Quantity.ZERO) <= 0) {
                errs.invalid(field, quantity.asText(), "must be greater than zero");
            }
        } catch (IllegalArgumentException e) {
            errs.invalid(field, quantity.asText(), "quantities must match the regular expression "
                    + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        }
    }

    private static void oneOf(JsonNode value, String field, List<String> allowed, FieldErrors errs) {
        if (!value.isMissingNode() && !value.isNull() && !allowed.contains(value.asText())) {
            errs.notSupported(field, value.asText(), allowed);
        }
    }
}
