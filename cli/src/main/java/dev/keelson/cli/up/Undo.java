package dev.keelson.cli.up;

import java.io.IOException;
import java.util.Deque;

/** Unwinding a stack of started parts: every step is tried, the first failure is kept, later ones are suppressed. */
final class Undo {
    private Undo() {
    }

    /** Closes and pops everything on {@code undo} (most recent first); returns {@code first} with any failures added. */
    static Exception all(Deque<AutoCloseable> undo, Exception first) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().close();
            } catch (Exception e) {
                first = add(first, e);
            }
        }
        return first;
    }

    /** {@code e} as the first failure, or suppressed by the one there is. */
    static Exception add(Exception first, Exception e) {
        if (first == null) {
            return e;
        }
        first.addSuppressed(e);
        return first;
    }

    /** Throws {@code first} as it is when it is an IOException or unchecked, else wrapped; nothing when null. */
    static void rethrow(Exception first, String what) throws IOException {
        if (first instanceof IOException io) {
            throw io;
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first != null) {
            if (first instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException(what + ": " + first.getMessage(), first);
        }
    }
}
