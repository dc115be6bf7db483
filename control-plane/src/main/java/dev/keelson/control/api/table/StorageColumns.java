package dev.keelson.control.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The columns of {@code kubectl get pv,pvc,sc}, as Kubernetes' printers define them: access modes as
 * RWO/ROX/RWX/RWOP in that order, the claim as namespace/name, a default class marked "(default)".
 */
final class StorageColumns {
    private static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
    private static final List<String[]> MODES = List.of(new String[] {"ReadWriteOnce", "RWO"},
            new String[] {"ReadOnlyMany", "ROX"}, new String[] {"ReadWriteMany", "RWX"},
            new String[] {"ReadWriteOncePod", "RWOP"});

    private StorageColumns() {}

    static List<Column> volumes(Clock clock) {
        return List.of(Column.named(),
                Column.of("Capacity", "string", "Capacity of the volume", o -> plain(o, "spec.capacity.storage")),
                Column.of("Access Modes", "string", "Access modes of the volume",
                        o -> accessModes(o.path("spec").path("accessModes"))),
                Column.of("Reclaim Policy", "string", "What happens to the volume when its claim is released",
                        o -> plain(o, "spec.persistentVolumeReclaimPolicy")),
                Column.of("Status", "string", "Phase of the volume", o -> plain(o, "status.phase")),
                Column.of("Claim", "string", "The claim bound to the volume", StorageColumns::claim),
                Column.of("StorageClass", "string", "Storage class of the volume", o -> plain(o, "spec.storageClassName")),
                volumeAttributesClass(),
                Column.of("Reason", "string", "Reason of the phase", o -> plain(o, "status.reason")),
                Column.age(clock),
                Column.wide("VolumeMode", "string", "Volume mode", o -> unsetIfEmpty(o, "spec.volumeMode")));
    }

    static List<Column> claims(Clock clock) {
        return List.of(Column.named(),
                Column.of("Status", "string", "Phase of the claim", o -> plain(o, "status.phase")),
                Column.of("Volume", "string", "The volume bound to the claim", o -> plain(o, "spec.volumeName")),
                Column.of("Capacity", "string", "Capacity of the bound volume", o -> plain(o, "status.capacity.storage")),
                Column.of("Access Modes", "string", "Access modes of the bound volume",
                        o -> accessModes(o.path("status").path("accessModes"))),
                Column.of("StorageClass", "string", "Storage class of the claim", o -> plain(o, "spec.storageClassName")),
                volumeAttributesClass(),
                Column.age(clock),
                Column.wide("VolumeMode", "string", "Volume mode", o -> unsetIfEmpty(o, "spec.volumeMode")));
    }

    static List<Column> classes(Clock clock) {
        return List.of(Column.of("Name", "string", "Name of the class", StorageColumns::className),
                Column.of("Provisioner", "string", "Provisioner", o -> plain(o, "provisioner")),
                Column.of("ReclaimPolicy", "string", "Reclaim policy of provisioned volumes",
                        o -> plain(o, "reclaimPolicy")),
                Column.of("VolumeBindingMode", "string", "When volumes are bound and provisioned",
                        o -> plain(o, "volumeBindingMode")),
                Column.of("AllowVolumeExpansion", "string", "Whether claims may grow",
                        o -> String.valueOf(o.path("allowVolumeExpansion").asBoolean(false))),
                Column.age(clock));
    }

    /** kubectl's {@code GetAccessModesAsString}: known modes in a fixed order, comma-joined. */
    static String accessModes(JsonNode modes) {
        List<String> out = new ArrayList<>();
        for (String[] m : MODES) {
            for (JsonNode given : modes) {
                if (given.asText().equals(m[0])) {
                    out.add(m[1]);
                    break;
                }
            }
        }
        return String.join(",", out);
    }

    private static Column volumeAttributesClass() {
        return Column.of("VolumeAttributesClass", "string", "Volume attributes class", o -> {
            return unsetIfEmpty(o, "spec.volumeAttributesClassName");
        });
    }

    /** The printers show an absent string as an empty cell, not {@code <none>}. */
    private static String plain(JsonNode o, String dotted) {
        JsonNode n = Cells.at(o, dotted);
        return n.isValueNode() ? n.asText() : "";
    }

    private static String unsetIfEmpty(JsonNode o, String dotted) {
        String v = plain(o, dotted);
        return v.isEmpty() ? "<unset>" : v;
    }

    private static String claim(JsonNode o) {
        JsonNode ref = o.path("spec").path("claimRef");
        return ref.isMissingNode() ? "" : ref.path("namespace").asText() + "/" + ref.path("name").asText();
    }

    private static String className(JsonNode o) {
        String name = plain(o, "metadata.name");
        boolean isDefault = "true".equals(o.path("metadata").path("annotations").path(DEFAULT_CLASS).asText());
        return isDefault ? name + " (default)" : name;
    }
}
