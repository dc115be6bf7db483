package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;

/**
 * API calls whose "already done" answers are not failures for a level-triggered reconciler: the
 * object is gone (404), or someone else changed it first (409) and the next pass will see it.
 */
final class Calls {
    private Calls() {}

    /** Runs {@code call}; a 404 means the work is moot. */
    static void unlessGone(Runnable call) {
        try {
            call.run();
        } catch (ApiException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    /** Runs {@code call}; a 404 or a 409 leaves it to the next reconcile. */
    static void unlessGoneOrStale(Runnable call) {
        try {
            call.run();
        } catch (ApiException e) {
            if (!e.notFound() && !e.conflict()) {
                throw e;
            }
        }
    }

    /**
     * Writes {@code status} through {@code object}'s status subresource when it differs from what
     * the object carries. A stale object (409) re-queues {@code key} for a pass on fresher data; an
     * object gone (404) needs nothing.
     *
     * @return the object as written, {@code object} when nothing changed, or null when the write did
     *     not happen (stale or gone)
     */
    static ObjectNode writeStatus(KubeClient client, Resource resource, ObjectNode object, JsonNode status,
                                  WorkQueue queue, String key) {
        if (status.equals(object.path("status"))) {
            return object;
        }
        ObjectNode updated = object.deepCopy();
        updated.set("status", status);
        try {
            return client.update(resource, updated, "status");
        } catch (ApiException e) {
            if (e.conflict()) {
                queue.add(key);
            } else if (!e.notFound()) {
                throw e;
            }
            return null;
        }
    }
}
