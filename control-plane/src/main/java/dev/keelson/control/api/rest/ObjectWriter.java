package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.storage.ResourceStorage;
import dev.keelson.control.api.storage.Stored;
import dev.keelson.control.patch.Patches;
import dev.keelson.control.schema.Schemas;
import dev.keelson.control.schema.Schemas.FieldError;
import dev.keelson.control.store.ConflictException;
import dev.keelson.control.store.KeyExistsException;
import dev.keelson.control.store.KeyNotFoundException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The one path by which objects are written: defaulting and validation, managed fields,
 * generation, dry run, and the guarded store write. Updates run as a read-modify-write loop so
 * that unconditional writers (no resourceVersion) never see a spurious conflict.
 */
public final class ObjectWriter {
    /** Computes the next version of an object from the current one (null when absent). */
    @FunctionalInterface
    public interface Mutation {
        ObjectNode apply(Stored current);
    }

    private static final int RETRIES = 16;
    private final ResourceStorage storage;
    private final Clock clock;
    private final WriteHooks hooks;

    public ObjectWriter(ResourceStorage storage, Clock clock) {
        this(storage, clock, WriteHooks.NONE);
    }

    public ObjectWriter(ResourceStorage storage, Clock clock, WriteHooks hooks) {
        this.storage = storage;
        this.clock = clock;
        this.hooks = hooks;
    }

    WriteHooks hooks() {
        return hooks;
    }

    public ResourceStorage storage() {
        return storage;
    }

    public Clock clock() {
        return clock;
    }

    /** Stores a new object (metadata already prepared) after defaulting, validation and managed fields. */
    public ObjectNode create(ResourceType type, ObjectNode object, WriteOptions options) {
        check(type, object, options);
        track(null, object, type, options);
        if (options.dryRun()) {
            hooks.beforeWrite(type, null, object, true);
            return object;
        }
        String key = ResourceStorage.key(type, Meta.namespace(object), Meta.name(object));
        if (storage.store().get(key).isPresent()) {
            // Answer AlreadyExists before a hook takes anything (e.g. a requested cluster IP).
            throw ApiException.alreadyExists(type, Meta.name(object));
        }
        WriteHooks.Pending pending = hooks.beforeWrite(type, null, object, false);
        boolean stored = false;
        try {
            ObjectNode out = storage.decode(type, storage.store().create(key, storage.encode(type, object), 0));
            stored = true;
            return out;
        } catch (KeyExistsException e) {
            throw ApiException.alreadyExists(type, Meta.name(object));
        } finally {
            (stored ? pending.committed() : pending.abandoned()).run();
        }
    }

    /**
     * Applies {@code mutation} to the current object and writes the result, retrying when another
     * writer got in between. The mutation throws {@link ApiException} (e.g. a 409 for a stale
     * resourceVersion in the body) to stop. A result that is being deleted and has no finalizers
     * left is removed, which is how removing the last finalizer completes a deletion.
     */
    public ObjectNode update(ResourceType type, String namespace, String name, Mutation mutation, WriteOptions options) {
        for (int attempt = 0; attempt < RETRIES; attempt++) {
            Stored current = storage.get(type, namespace, name).orElseThrow(() -> ApiException.notFound(type, name));
            ObjectNode next = mutation.apply(current);
            try {
                return commit(type, current, next, options);
            } catch (ConflictException | KeyNotFoundException e) {
                // Someone else wrote (or deleted) in between: re-read and re-apply.
            }
        }
        throw ApiException.conflict(type, name);
    }

    /** Writes {@code next} over {@code current} guarded by its mod revision (store exceptions propagate). */
    public ObjectNode commit(ResourceType type, Stored current, ObjectNode next, WriteOptions options) {
        ObjectNode old = current.object();
        ObjectNode meta = Meta.metadata(next);
        JsonNode oldMeta = old.path("metadata");
        for (String immutable : List.of("name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                "deletionGracePeriodSeconds", "generation")) {
            if (oldMeta.has(immutable)) {
                meta.set(immutable, oldMeta.get(immutable));
            } else {
                meta.remove(immutable);
            }
        }
        OmitEmpty.prune(type, next);
        if (type.generational() && oldMeta.has("generation") && !old.path("spec").equals(next.path("spec"))) {
            meta.put("generation", oldMeta.path("generation").asLong() + 1);
        }
        meta.put("resourceVersion", Long.toString(current.modRevision()));
        check(type, next, options);
        track(old, next, type, options);
        if (withoutManagedFields(old).equals(withoutManagedFields(next))) {
            return old; // no-op: Kubernetes does not write (nor bump resourceVersion) for it
        }
        if (Meta.deleting(next) && !Meta.hasFinalizers(next)) {
            if (options.dryRun()) {
                return next;
            }
            String key = ResourceStorage.key(type, Meta.namespace(old), Meta.name(old));
            long rev = storage.store().delete(key, current.modRevision()).revision();
            meta.put("resourceVersion", Long.toString(rev));
            hooks.afterDelete(type, old);
            return next;
        }
        WriteHooks.Pending pending = hooks.beforeWrite(type, old, next, options.dryRun());
        if (withoutManagedFields(old).equals(withoutManagedFields(next))) {
            pending.abandoned().run();
            return old; // a no-op once the hook restored what the writer left out
        }
        if (options.dryRun()) {
            pending.abandoned().run();
            return next;
        }
        String key = ResourceStorage.key(type, Meta.namespace(old), Meta.name(old));
        boolean stored = false;
        try {
            ObjectNode out = storage.decode(type, storage.store().update(key, storage.encode(type, next),
                    current.modRevision(), 0));
            stored = true;
            return out;
        } finally {
            (stored ? pending.committed() : pending.abandoned()).run();
        }
    }

    private static ObjectNode withoutManagedFields(ObjectNode o) {
        ObjectNode c = o.deepCopy();
        Meta.metadata(c).remove("managedFields");
        return c;
    }

    /** Schema defaults, then validation: 422 Invalid with every field error. */
    void check(ResourceType type, ObjectNode object, WriteOptions options) {
        OmitEmpty.prune(type, object);
        if (options.strictFields()) {
            List<String> unknown = Schemas.unknownFields(type.apiVersion(), type.kind(), object);
            if (!unknown.isEmpty()) {
                // kube-apiserver's decode error wording (transformDecodeError): kind, bare version, kind.
                String version = type.apiVersion().substring(type.apiVersion().indexOf('/') + 1);
                throw ApiException.badRequest(type.kind() + " in version \"" + version + "\" cannot be handled as a "
                        + type.kind() + ": strict decoding error: " + String.join(", ", unknown.stream()
                        .map(f -> "unknown field \"" + (f.startsWith(".") ? f.substring(1) : f) + "\"").toList()));
            }
        }
        Schemas.applyDefaults(type.apiVersion(), type.kind(), object);
        List<FieldError> errors = new ArrayList<>(Meta.validateName(type, Meta.name(object)));
        if (errors.isEmpty()) {
            errors.addAll(Schemas.validate(type.apiVersion(), type.kind(), object));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(type, Meta.name(object), errors);
        }
    }

    private void track(ObjectNode old, ObjectNode next, ResourceType type, WriteOptions options) {
        if (options.applied()) {
            return;
        }
        ObjectNode tracked = Patches.trackUpdate(old, next, options.fieldManager(),
                Schemas.of(type.apiVersion(), type.kind()), clock.instant());
        JsonNode managed = tracked == null ? null : tracked.path("metadata").get("managedFields");
        if (managed != null && !managed.isNull()) {
            Meta.metadata(next).set("managedFields", managed);
        }
    }
}
