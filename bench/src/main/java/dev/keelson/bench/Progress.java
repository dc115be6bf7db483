package dev.keelson.bench;

import java.io.Console;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * One line of progress. On a terminal it is rewritten in place; in a log or a pipe, where carriage
 * returns would glue the updates into one long line, an update is printed as its own line at most
 * every few seconds, and the last one when the phase ends.
 */
public final class Progress {
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final PrintStream out;
    private final boolean terminal;
    private long lastLogged = System.nanoTime();
    private String pending;
    private int shown;

    public Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Progress on {@code out}, rewriting in place when the process runs on a terminal. */
    public static Progress on(PrintStream out) {
        Console c = System.console();
        return new Progress(out, c != null && c.isTerminal());
    }

    /** Shows {@code line} as the current state. */
    public void update(String line) {
        if (terminal) {
            StringBuilder sb = new StringBuilder("\r").append(line);
            for (int i = line.length(); i < shown; i++) {
                sb.append(' ');
            }
            shown = line.length();
            out.print(sb);
            out.flush();
            return;
        }
        long now = System.nanoTime();
        if (now - lastLogged >= LOG_INTERVAL_NANOS) {
            out.println(line);
            lastLogged = now;
            pending = null;
        } else {
            pending = line;
        }
    }

    /** Ends the phase: the last state stays visible. */
    public void end() {
        if (terminal) {
            if (shown > 0) {
                out.println();
            }
        } else if (pending != null) {
            out.println(pending);
        }
        pending = null;
        shown = 0;
        lastLogged = System.nanoTime();
    }
}
