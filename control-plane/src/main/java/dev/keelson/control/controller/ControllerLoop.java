package dev.keelson.control.controller;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a reconciler over a {@link WorkQueue} on a few virtual threads: each key is reconciled by
 * one worker at a time; a failure retries the key with back-off; success resets it.
 */
public final class ControllerLoop implements AutoCloseable {

    /** Brings the object named by {@code key} (namespace/name) to its desired state; idempotent. */
    @FunctionalInterface
    public interface Reconciler {
        void reconcile(String key) throws Exception;
    }

    private static final System.Logger LOG = System.getLogger(ControllerLoop.class.getName());

    private final String name;
    private final WorkQueue queue;
    private final Reconciler reconciler;
    private final List<Thread> workers = new ArrayList<>();

    public ControllerLoop(String name, WorkQueue queue, Reconciler reconciler) {
        this.name = name;
        this.queue = queue;
        this.reconciler = reconciler;
    }

    public ControllerLoop start(int threads) {
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofVirtual().name(name + "-" + i).start(this::work));
        }
        return this;
    }

    private void work() {
        while (true) {
            String key;
            try {
                key = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                reconciler.reconcile(key);
                queue.forget(key);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "{0} {1}: {2}; retrying", name, key, e.toString());
                queue.retry(key);
            } finally {
                queue.done(key);
            }
        }
    }

    @Override
    public void close() {
        queue.shutDown();
        workers.forEach(Thread::interrupt);
    }
}
