package dev.keelson.bench.runtime;

import java.io.PrintStream;

/**
 * Runs a benchmark whose {@code close()} removes what it made (clusters, daemons, namespaces), and
 * makes sure that close runs exactly once: after the measurement, or from a shutdown hook when the
 * user presses Ctrl-C in the middle of it. A failing cleanup is printed, not thrown.
 */
public final class GuardedRun {
    /** The measurement of a run. */
    @FunctionalInterface
    public interface Measurement {
        void measure() throws Exception;
    }

    private GuardedRun() {
    }

    /** Runs {@code measurement}, then closes {@code run}; {@code area} names the run in cleanup messages. */
    public static void measure(String area, AutoCloseable run, Measurement measurement, PrintStream progress) throws Exception {
        Thread hook = new Thread(() -> closeQuietly(area, run, progress), "bench-" + area + "-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            measurement.measure();
        } finally {
            closeQuietly(area, run, progress);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    /** Closes each of {@code resources} that is not null, in order; a failure is added to {@code failures} and the rest still close. */
    public static void closeAll(java.util.List<Exception> failures, AutoCloseable... resources) {
        for (AutoCloseable c : resources) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    failures.add(e);
                }
            }
        }
    }

    private static void closeQuietly(String area, AutoCloseable run, PrintStream progress) {
        synchronized (run) {
            try {
                run.close();
            } catch (Exception e) {
                progress.println("bench " + area + ": cleanup: " + e.getMessage());
            }
        }
    }
}
