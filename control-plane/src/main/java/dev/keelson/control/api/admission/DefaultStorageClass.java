package dev.keelson.control.api.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceRegistry;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.rest.WriteHooks;
import dev.keelson.control.api.storage.ResourceStorage;
import dev.keelson.control.store.KeyValue;
import java.util.Comparator;
import java.util.Optional;

/**
 * The {@code DefaultStorageClass} admission plugin: a PersistentVolumeClaim created without
 * {@code spec.storageClassName} gets the default StorageClass, the one annotated
 * {@code storageclass.kubernetes.io/is-default-class=true} (the newest, if several are). A claim
 * that names a class, even {@code ""}, keeps it; updates are left alone.
 */
public final class DefaultStorageClass implements WriteHooks {
    /** The annotation that marks the default class. */
    public static final String DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

    private final ResourceStorage storage;
    private final ResourceType classes;

    public DefaultStorageClass(ResourceRegistry registry, ResourceStorage storage) {
        this.storage = storage;
        this.classes = registry.find("storage.k8s.io", "v1", "storageclasses").orElseThrow();
    }

    @Override
    public Pending beforeWrite(ResourceType type, ObjectNode old, ObjectNode next, boolean dryRun) {
        if (old == null && type.group().isEmpty() && type.resource().equals("persistentvolumeclaims")) {
            ObjectNode spec = next.withObjectProperty("spec");
            if (!spec.has("storageClassName") || spec.get("storageClassName").isNull()) {
                defaultClass().ifPresent(name -> spec.put("storageClassName", name));
            }
        }
        return Pending.NOTHING;
    }

    @Override
    public void afterDelete(ResourceType type, ObjectNode deleted) {}

    /** The name of the default StorageClass, if one is marked. */
    public Optional<String> defaultClass() {
        return storage.store().range(ResourceStorage.prefix(classes, null), null, 0, 0).items().stream()
                .map(this::decode)
                .filter(sc -> "true".equals(sc.path("metadata").path("annotations").path(DEFAULT_ANNOTATION).asText()))
                .max(Comparator.comparing((JsonNode sc) -> sc.path("metadata").path("creationTimestamp").asText())
                        .thenComparing(sc -> sc.path("metadata").path("name").asText()))
                .map(sc -> sc.path("metadata").path("name").asText());
    }

    private JsonNode decode(KeyValue kv) {
        return storage.decode(classes, kv);
    }
}
