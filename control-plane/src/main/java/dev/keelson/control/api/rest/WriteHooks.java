package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceType;

/**
 * Per-kind work the API server does around a store write that the store itself cannot do, such
 * as taking a Service's cluster IP and node ports (Kubernetes' registry "before create/update"
 * and "after delete" hooks). Hooks run after defaulting and validation.
 */
public interface WriteHooks {
    /** Hooks that do nothing. */
    WriteHooks NONE = new WriteHooks() {
        @Override
        public Pending beforeWrite(ResourceType type, ObjectNode old, ObjectNode next, boolean dryRun) {
            return Pending.NOTHING;
        }

        @Override
        public void afterDelete(ResourceType type, ObjectNode deleted) {}
    };

    /** What to finish once the write is known to have succeeded or failed. */
    record Pending(Runnable committed, Runnable abandoned) {
        public static final Pending NOTHING = new Pending(() -> {}, () -> {});
    }

    /** Runs {@code first}, then {@code second}; if {@code second} throws, what {@code first} took is given back. */
    static WriteHooks both(WriteHooks first, WriteHooks second) {
        return new WriteHooks() {
            @Override
            public Pending beforeWrite(ResourceType type, ObjectNode old, ObjectNode next, boolean dryRun) {
                Pending a = first.beforeWrite(type, old, next, dryRun);
                Pending b;
                try {
                    b = second.beforeWrite(type, old, next, dryRun);
                } catch (RuntimeException e) {
                    a.abandoned().run();
                    throw e;
                }
                return new Pending(() -> {
                    a.committed().run();
                    b.committed().run();
                }, () -> {
                    a.abandoned().run();
                    b.abandoned().run();
                });
            }

            @Override
            public void afterDelete(ResourceType type, ObjectNode deleted) {
                first.afterDelete(type, deleted);
                second.afterDelete(type, deleted);
            }
        };
    }

    /**
     * Called before {@code next} is stored; may fill in fields of {@code next} or throw an
     * {@link ApiException}. {@code old} is null on create.
     */
    Pending beforeWrite(ResourceType type, ObjectNode old, ObjectNode next, boolean dryRun);

    /** Called after an object left the store. */
    void afterDelete(ResourceType type, ObjectNode deleted);
}
