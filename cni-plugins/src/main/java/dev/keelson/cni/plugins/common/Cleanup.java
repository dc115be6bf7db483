package dev.keelson.cni.plugins.common;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The undo stack of one ADD: each step that acquired something registers how to give it back;
 * unless {@link #commit()} is called, {@link #close()} runs the undos in reverse order. An undo
 * that fails does not stop the others; its error is attached to the ADD's error as suppressed
 * (so the runtime still sees the first, real failure).
 */
public final class Cleanup implements AutoCloseable {
    private record Undo(String what, Runnable action) {
    }

    private final Deque<Undo> undos = new ArrayDeque<>();
    private boolean committed;
    private Throwable primary;

    /** Registers {@code action} to run if the ADD fails; {@code what} names it in errors. */
    public void onFailure(String what, Runnable action) {
        undos.push(new Undo(what, action));
    }

    /** The ADD succeeded: nothing will be undone. */
    public void commit() {
        committed = true;
    }

    /** Records the ADD's failure, so undo errors can be attached to it; returns it for rethrow. */
    public <T extends Throwable> T failed(T e) {
        primary = e;
        return e;
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        while (!undos.isEmpty()) {
            Undo u = undos.pop();
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
