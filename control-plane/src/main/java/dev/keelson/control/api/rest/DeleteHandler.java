package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.storage.ResourceStorage;
import dev.keelson.control.api.storage.Stored;
import dev.keelson.control.store.ConflictException;
import dev.keelson.control.store.KeyNotFoundException;
import java.time.Instant;

/**
 * DELETE of one object. What happens depends on the object:
 *
 * <pre>
 *   namespace                       → deletionTimestamp, phase Terminating (namespace controller finishes)
 *   pod on a node, grace &gt; 0         → deletionTimestamp = now + grace (the node agent finishes)
 *   finalizers (or Orphan/Foreground)→ deletionTimestamp, finalizer added (their owners finish)
 *   otherwise                       → removed now
 * </pre>
 */
final class DeleteHandler {
    /** The outcome: the object's last state, and whether it is gone from the store. */
    record Result(ObjectNode object, boolean gone) {}

    private static final int RETRIES = 16;
    private final ObjectWriter writer;

    DeleteHandler(ObjectWriter writer) {
        this.writer = writer;
    }

    Result delete(ResourceType type, String namespace, String name, DeleteOptions d, WriteOptions options) {
        ResourceStorage storage = writer.storage();
        for (int attempt = 0; attempt < RETRIES; attempt++) {
            Stored current = storage.get(type, namespace, name).orElseThrow(() -> ApiException.notFound(type, name));
            ObjectNode obj = current.object();
            checkPreconditions(type, name, d, current);
            ObjectNode next = obj.deepCopy();
            ObjectNode meta = Meta.metadata(next);
            Instant now = writer.clock().instant();
            boolean deferred = false;
            if (KindRules.isCore(type, "namespaces")) {
                next.withObjectProperty("status").put("phase", "Terminating");
                deferred = true;
            }
            if (addFinalizer(next, d.propagation())) {
                deferred = true;
            }
            long grace = graceSeconds(type, obj, d);
            if (grace > 0) {
                long existing = meta.path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE);
                if (!Meta.deleting(obj) || grace < existing) {
                    meta.put("deletionTimestamp", Meta.timestamp(now.plusSeconds(grace)));
                    meta.put("deletionGracePeriodSeconds", grace);
                }
                deferred = true;
            } else if (!Meta.deleting(obj)) {
                meta.put("deletionTimestamp", Meta.timestamp(now));
                meta.put("deletionGracePeriodSeconds", 0);
            }
            deferred |= Meta.hasFinalizers(next);
            try {
                if (deferred) {
                    if (next.equals(obj) || options.dryRun()) {
                        return new Result(next, false);
                    }
                    String key = ResourceStorage.key(type, namespace, name);
                    return new Result(storage.decode(type, storage.store().update(key, storage.encode(type, next),
                            current.modRevision(), 0)), false);
                }
                if (options.dryRun()) {
                    return new Result(obj, true);
                }
                long rev = storage.store().delete(ResourceStorage.key(type, namespace, name), current.modRevision())
                        .revision();
                Meta.metadata(obj).put("resourceVersion", Long.toString(rev));
                writer.hooks().afterDelete(type, obj);
                return new Result(obj, true);
            } catch (ConflictException | KeyNotFoundException e) {
                // Changed or removed under us: re-read (a NotFound then answers 404).
            }
        }
        throw ApiException.conflict(type, name);
    }

    private static void checkPreconditions(ResourceType type, String name, DeleteOptions d, Stored current) {
        String uid = current.object().path("metadata").path("uid").asText("");
        if (!d.uid().isEmpty() && !d.uid().equals(uid)) {
            throw ApiException.conflict(type, name, "Precondition failed: UID in precondition: " + d.uid()
                    + ", UID in object meta: " + uid);
        }
        String rv = Long.toString(current.modRevision());
        if (!d.resourceVersion().isEmpty() && !d.resourceVersion().equals(rv)) {
            throw ApiException.conflict(type, name, "Precondition failed: ResourceVersion in precondition: "
                    + d.resourceVersion() + ", ResourceVersion in meta: " + rv);
        }
    }

    /** Orphan and Foreground are carried out by the garbage collector through these finalizers. */
    private static boolean addFinalizer(ObjectNode next, String policy) {
        String add = switch (policy) {
            case "Orphan" -> "orphan";
            case "Foreground" -> "foregroundDeletion";
            default -> null;
        };
        if (add == null) {
            return false;
        }
        ObjectNode meta = Meta.metadata(next);
        JsonNode f = meta.get("finalizers");
        ArrayNode list = f instanceof ArrayNode a ? a : meta.putArray("finalizers");
        String drop = add.equals("orphan") ? "foregroundDeletion" : "orphan";
        for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i).asText().equals(drop)) {
                list.remove(i);
            }
        }
        for (JsonNode x : list) {
            if (x.asText().equals(add)) {
                return true;
            }
        }
        list.add(add);
        return true;
    }

    /** Only pods bound to a node wait: unbound pods have nothing to stop, so they go at once. */
    private static long graceSeconds(ResourceType type, ObjectNode pod, DeleteOptions d) {
        if (!KindRules.isCore(type, "pods") || pod.path("spec").path("nodeName").asText("").isEmpty()) {
            return 0;
        }
        if (d.gracePeriodSeconds() != null) {
            return d.gracePeriodSeconds();
        }
        return pod.path("spec").path("terminationGracePeriodSeconds").asLong(30);
    }

    /** The body Kubernetes answers for an object removed at once (pods answer the object itself). */
    static ObjectNode success(ResourceType type, ObjectNode deleted) {
        ObjectNode s = Json.object().put("kind", "Status").put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Success");
        ObjectNode details = s.putObject("details").put("name", Meta.name(deleted));
        if (!type.group().isEmpty()) {
            details.put("group", type.group());
        }
        details.put("kind", type.resource()).put("uid", deleted.path("metadata").path("uid").asText(""));
        return s;
    }
}
