package dev.keelson.bench.netns;

import dev.keelson.netns.NetnsDirectory;
import dev.keelson.netns.NetnsPool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes sure a benchmark run leaves no namespace pinned, however it ends: normally, by an
 * exception, or by Ctrl-C / SIGTERM (through a shutdown hook).
 *
 * <p>Every pin the run makes is named with a prefix unique to this process, so cleaning up is a
 * sweep of the pin directories for those prefixes; nothing needs to be tracked pin by pin. Work
 * that creates pins runs through {@link #guarded}: the hook takes the same lock before it sweeps,
 * so it never sweeps while a pin is half made, and once it has swept no new pin is started.
 *
 * <pre>
 *   main:  guarded{create…delete} guarded{…}        ✗ CancellationException
 *   hook:               stop → (waits for lock) → end C process, close pool, sweep
 * </pre>
 */
final class Leftovers implements AutoCloseable {
    /** A pin directory and the name prefix of this run's pins in it. */
    record Sweep(Path root, String prefix) {
    }

    private final List<Sweep> sweeps;
    private final ReentrantLock lock = new ReentrantLock();
    private final Thread hook;
    private volatile boolean stopping;
    private volatile Process process;
    private volatile NetnsPool pool;

    Leftovers(List<Sweep> sweeps) {
        this.sweeps = List.copyOf(sweeps);
        this.hook = new Thread(this::onShutdown, "keelson-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Work that creates pins; refused once the JVM is shutting down. */
    interface Work {
        void run() throws Exception;
    }

    void guarded(Work work) throws Exception {
        lock.lock();
        try {
            if (stopping) {
                throw new CancellationException("the benchmark was interrupted; its namespaces were removed");
            }
            work.run();
        } finally {
            lock.unlock();
        }
    }

    /** The C floor process currently running, to end if the JVM is stopped. */
    void process(Process p) {
        this.process = p;
    }

    /** The pool currently running, to close if the JVM is stopped. */
    void pool(NetnsPool p) {
        this.pool = p;
    }

    /** Removes every pin of this run; returns the names removed. Failures are collected, not thrown. */
    List<String> sweep(List<String> failures) {
        List<String> removed = new ArrayList<>();
        for (Sweep s : sweeps) {
            NetnsDirectory dir = NetnsDirectory.of(s.root());
            for (String name : dir.list()) {
                if (!name.startsWith(s.prefix())) {
                    continue;
                }
                try {
                    if (dir.delete(name)) {
                        removed.add(s.root().resolve(name).toString());
                    }
                } catch (RuntimeException e) {
                    failures.add(s.root().resolve(name) + ": " + e.getMessage());
                }
            }
        }
        return removed;
    }

    private void onShutdown() {
        stopping = true;
        boolean locked = false;
        try {
            // Let a create-delete pair in flight finish (milliseconds), but never hang the exit.
            locked = lock.tryLock(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            endRunning();
            List<String> failures = new ArrayList<>();
            List<String> removed = sweep(failures);
            if (!removed.isEmpty()) {
                System.err.println("keelson bench: removed " + removed.size() + " namespace pin(s) left by the interrupted run");
            }
            for (String f : failures) {
                System.err.println("keelson bench: could not remove " + f);
            }
        } finally {
            if (locked) {
                lock.unlock();
            }
        }
    }

    private void endRunning() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        NetnsPool pl = pool;
        if (pl != null) {
            pl.close();
        }
    }

    /**
     * Ends what is still running, sweeps, and unregisters the hook. Throws when a pin could not be
     * removed, naming it, so a leak is never silent.
     */
    @Override
    public void close() {
        endRunning();
        List<String> failures = new ArrayList<>();
        sweep(failures);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or has run and swept too.
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not remove namespace pins: " + String.join("; ", failures));
        }
    }
}
