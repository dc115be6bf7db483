package dev.keelson.cni.skel;

import dev.keelson.cni.spec.Result;

/**
 * A CNI plugin's verbs. The {@link Skeleton} validates the environment and config before calling
 * them, and prints what they return (or the {@link dev.keelson.cni.spec.CniException} they throw;
 * any other exception becomes code 999 with its message).
 */
public interface Plugin {
    /** Attaches the container; the result is printed downconverted to the config's version. */
    Result add(Request request);

    /** Detaches; must succeed when the attachment or the netns is already gone. */
    void del(Request request);

    /** Checks the attachment is as ADD left it (only called for configs of 0.4.0 or later). */
    void check(Request request);

    /** Readiness (1.1.0): throw code 50 or 51 when not ready. The default is always ready. */
    default void status(Request request) {
    }

    /**
     * Garbage collection (1.1.0): release everything not in the config's
     * {@code cni.dev/valid-attachments}. The default has nothing to collect.
     */
    default void gc(Request request) {
    }
}
