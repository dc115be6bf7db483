package dev.keelson.cni.plugins.macvlan;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The undo stack of one ADD (a twin of the bridge plugin's package-private one): each step that
 * acquired something registers how to give it back; unless {@link #commit()} is called, {@link #close()} runs the undos in reverse order. An undo
 * that fails does not stop the others; its error is attached to the ADD's error as suppressed
 * (so the runtime still sees the first, real failure).
 */
final class Undo implements AutoCloseable {
    private record Step(String what, Runnable action) {
    }

    private final Deque<Step> undos = new ArrayDeque<>();
    private boolean committed;
    private Throwable primary;

    /** Registers {@code action} to run if the ADD fails; {@code what} names it in errors. */
    void onFailure(String what, Runnable action) {
        undos.push(new Step(what, action));
    }

    /** The ADD succeeded: nothing will be undone. */
    void commit() {
        committed = true;
    }

    /** Records the ADD's failure, so undo errors can be attached to it; returns it for rethrow. */
    <T extends Throwable> T failed(T e) {
        primary = e;
        return e;
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        while (!undos.isEmpty()) {
            Step u = undos.pop();
            try {
                u.action().run();
            } catch (RuntimeException e) {
                IllegalStateException wrapped = new IllegalStateException("cleanup failed: " + u.what() + ": " + e.getMessage(), e);
                if (primary != null) {
                    primary.addSuppressed(wrapped);
                } else {
                    System.err.println(wrapped.getMessage());
                }
            }
        }
    }
}
