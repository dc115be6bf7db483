package dev.keelson.control.api.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.rest.ListOptions;
import dev.keelson.control.api.rest.Meta;
import dev.keelson.control.api.storage.ResourceStorage;
import dev.keelson.control.store.WatchEvent;

/**
 * Turns store events into API watch events through a selector, with enter/leave transitions: an
 * object that stops matching is DELETED for this watcher, one that starts matching is ADDED.
 */
final class WatchFilter {
    /** An API watch event (type ADDED, MODIFIED or DELETED). */
    record Event(String type, ObjectNode object) {}

    private final ResourceStorage storage;
    private final ResourceType type;
    private final ListOptions options;
    private final String namespace;

    WatchFilter(ResourceStorage storage, ResourceType type, String namespace, ListOptions options) {
        this.storage = storage;
        this.type = type;
        this.namespace = namespace;
        this.options = options;
    }

    boolean matches(ObjectNode o) {
        return (namespace == null || namespace.isEmpty() || !type.namespaced() || namespace.equals(Meta.namespace(o)))
                && options.labels().test(o) && options.fields().test(o);
    }

    /** The API event for a store event, or null when this watcher does not see it. */
    Event translate(WatchEvent e) {
        ObjectNode prev = e.previous() == null ? null : storage.decode(type, e.previous());
        boolean was = prev != null && matches(prev);
        if (e.type() == WatchEvent.Type.DELETE) {
            return was ? new Event("DELETED", at(prev, e.revision())) : null;
        }
        ObjectNode now = storage.decode(type, e.kv());
        boolean is = matches(now);
        if (is) {
            return new Event(was ? "MODIFIED" : "ADDED", now);
        }
        return was ? new Event("DELETED", at(prev, e.revision())) : null;
    }

    /** The last state seen by this watcher, stamped with the revision at which it left. */
    private static ObjectNode at(ObjectNode o, long revision) {
        Meta.metadata(o).put("resourceVersion", Long.toString(revision));
        return o;
    }
}
