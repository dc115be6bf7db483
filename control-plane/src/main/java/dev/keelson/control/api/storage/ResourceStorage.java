package dev.keelson.control.api.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.Store;
import java.util.Optional;

/**
 * Maps API objects onto the {@link Store}: keys, the stored form, and back.
 *
 * <p>Keys are {@code /registry/<group>/<resource>/<namespace>/<name>} with group {@code core} for
 * the legacy group and no namespace segment for cluster-scoped kinds. The stored form is the
 * object's JSON without {@code metadata.resourceVersion}: that is always the key's mod revision,
 * filled in on read (as Kubernetes does with etcd). Secrets are sealed by {@link SecretEncryption}.
 */
public final class ResourceStorage {
    private final Store store;
    private final SecretEncryption encryption;

    public ResourceStorage(Store store, SecretEncryption encryption) {
        this.store = store;
        this.encryption = encryption;
    }

    public Store store() {
        return store;
    }

    /** Key prefix of every object of a resource ({@code namespace} null) or of one namespace. */
    public static String prefix(ResourceType type, String namespace) {
        String base = "/registry/" + (type.group().isEmpty() ? "core" : type.group()) + "/" + type.resource() + "/";
        return type.namespaced() && namespace != null && !namespace.isEmpty() ? base + namespace + "/" : base;
    }

    public static String key(ResourceType type, String namespace, String name) {
        return prefix(type, type.namespaced() ? namespace : null) + name;
    }

    public Optional<Stored> get(ResourceType type, String namespace, String name) {
        return store.get(key(type, namespace, name)).map(kv -> new Stored(decode(type, kv), kv.modRevision()));
    }

    /** The object in a stored value, with {@code metadata.resourceVersion} set from its mod revision. */
    public ObjectNode decode(ResourceType type, KeyValue kv) {
        return decode(type, kv.value(), kv.modRevision());
    }

    public ObjectNode decode(ResourceType type, byte[] value, long revision) {
        byte[] plain = sealed(type) ? encryption.decrypt(value) : value;
        ObjectNode o = Json.parseObject(plain);
        o.withObjectProperty("metadata").put("resourceVersion", Long.toString(revision));
        return o;
    }

    /**
     * The object in a stored value as JSON bytes, exactly as encoding {@link #decode}'s result would
     * give them, but without building a tree (lists of thousands of objects use this).
     */
    public byte[] json(ResourceType type, KeyValue kv) {
        byte[] plain = sealed(type) ? encryption.decrypt(kv.value()) : kv.value();
        byte[] spliced = StoredJson.withResourceVersion(plain, kv.modRevision());
        return spliced != null ? spliced : Json.bytes(decode(type, kv));
    }

    /** The stored form of an object. */
    public byte[] encode(ResourceType type, ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        copy.withObjectProperty("metadata").remove("resourceVersion");
        byte[] plain = Json.bytes(copy);
        return sealed(type) ? encryption.encrypt(plain) : plain;
    }

    private boolean sealed(ResourceType type) {
        return encryption != null && type.group().isEmpty() && type.resource().equals("secrets");
    }
}
