package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.Informer;
import dev.keelson.control.model.Json;
import dev.keelson.control.model.LabelSelector;

/** Informer handlers that turn changes into work-queue keys. */
final class Handlers {
    private Handlers() {}

    /** Enqueues the changed object itself. */
    static Informer.Handler enqueueSelf(WorkQueue queue) {
        return Informer.Handler.of(o -> queue.add(Informer.key(o)), o -> queue.add(Informer.key(o)));
    }

    /**
     * Enqueues the owner (of kind {@code kind}, from {@code owners}) of a changed dependent: its
     * controller, or for an orphan every owner whose selector matches it (adoption). Creations and
     * deletions are counted against the owner's {@link Expectations}.
     */
    static final class OwnedBy implements Informer.Handler {
        private final String kind;
        private final WorkQueue queue;
        private final Informer owners;
        private final Expectations expectations;

        OwnedBy(String kind, WorkQueue queue, Informer owners, Expectations expectations) {
            this.kind = kind;
            this.queue = queue;
            this.owners = owners;
            this.expectations = expectations;
        }

        @Override
        public void onAdd(ObjectNode o) {
            String owner = owner(o);
            if (owner != null) {
                expectations.observedAdd(owner);
                queue.add(owner);
            } else {
                orphan(o);
            }
        }

        @Override
        public void onUpdate(ObjectNode old, ObjectNode o) {
            String owner = owner(o);
            String before = owner(old);
            if (before != null && !before.equals(owner)) {
                queue.add(before);
            }
            if (owner != null) {
                queue.add(owner);
            } else {
                orphan(o);
            }
        }

        @Override
        public void onDelete(ObjectNode o) {
            String owner = owner(o);
            if (owner != null) {
                expectations.observedDelete(owner);
                queue.add(owner);
            }
        }

        private String owner(JsonNode o) {
            String ref = Pods.controllerRef(o);
            if (!ref.startsWith(kind + "/")) {
                return null;
            }
            return Pods.namespace(o) + "/" + ref.substring(kind.length() + 1);
        }

        private void orphan(ObjectNode o) {
            if (!Pods.controllerRef(o).isEmpty()) {
                return;
            }
            var labels = Json.stringMap(o.path("metadata").path("labels"));
            for (ObjectNode owner : owners.list(Pods.namespace(o))) {
                if (LabelSelector.of(owner.path("spec").get("selector")).matches(labels)) {
                    queue.add(Informer.key(owner));
                }
            }
        }
    }
}
