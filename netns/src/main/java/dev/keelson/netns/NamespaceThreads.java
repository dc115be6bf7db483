package dev.keelson.netns;

import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.Fd;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The only threads that ever change network namespace: dedicated platform threads.
 *
 * <p>A namespace belongs to an OS thread (setns(2) and unshare(2) affect the calling thread only).
 * A virtual thread moves between carrier threads, so switching one would leak the namespace to
 * whatever runs next on that carrier; hence these threads. Each task switches in, runs, and
 * switches back to the process's home namespace. A thread that cannot switch back is retired — it
 * ends and is never handed another task — because it would run the next task in the wrong namespace.
 *
 * <pre>
 *   caller ──hand over──▶ keelson-netns-N: setns(target) → task → result to caller
 *                                           → setns(home) ──ok──▶ idle (reused, newest first; ends after 30 s idle)
 *                                                         └─fail─▶ thread ends
 * </pre>
 *
 * A hand-over is a slot write and one unpark each way: namespace calls are often only tens of
 * microseconds of kernel work, so the machinery around them is kept that small.
 */
final class NamespaceThreads {
    private static final System.Logger LOG = System.getLogger(NamespaceThreads.class.getName());
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final NamespaceThreads INSTANCE = new NamespaceThreads();

    /** The namespace of the process's first thread: where every namespace thread lives between tasks. */
    private final Fd home = Fd.adopt(Libc.open("/proc/self/ns/net", Flags.O_RDONLY | Flags.O_CLOEXEC, 0));
    /** Idle workers, most recently idle first (its caches are warmest). */
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger ids = new AtomicInteger();

    private NamespaceThreads() {
    }

    /**
     * Runs {@code task} on a namespace thread after switching it into {@code targetFd} (or leaving it
     * at home when {@code targetFd} is -1, for tasks that unshare a new namespace themselves) and
     * returns its result; the task's exception is rethrown as is. The calling thread's own namespace
     * is never touched. An interrupt does not abandon the task (it may own a namespace or a mount):
     * the call still waits for it, then restores the interrupt flag.
     */
    <T, E extends Exception> T call(int targetFd, String what, NsCallable<T, E> task) throws E {
        Call<T, E> c = new Call<>(targetFd, what, task, Thread.currentThread());
        Worker w;
        while ((w = idle.pollFirst()) != null) {
            if (w.offer(c)) {
                return c.await();
            }
        }
        new Worker(c).start();
        return c.await();
    }

    /** One task and its outcome; the caller parks on it until a worker completes it. */
    private static final class Call<T, E extends Exception> {
        final int targetFd;
        final String what;
        final NsCallable<T, E> task;
        final Thread caller;
        volatile boolean done;
        T value;
        Throwable error;

        Call(int targetFd, String what, NsCallable<T, E> task, Thread caller) {
            this.targetFd = targetFd;
            this.what = what;
            this.task = task;
            this.caller = caller;
        }

        /** Runs on the worker: switch in, run, publish the outcome, wake the caller. */
        void execute() {
            try {
                if (targetFd >= 0) {
                    Libc.setns(targetFd, Flags.CLONE_NEWNET, what);
                }
                value = task.call();
            } catch (Throwable t) {
                error = t;
            }
            done = true;
            LockSupport.unpark(caller);
        }

        @SuppressWarnings("unchecked")
        T await() throws E {
            boolean interrupted = false;
            while (!done) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable t = error;
            if (t == null) {
                return value;
            }
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw (E) t;
        }
    }

    /**
     * A namespace thread. State: BUSY while it has a task, IDLE while parked in the idle deque,
     * ENDED once it timed out or retired. {@link #offer} claims an IDLE worker with a CAS, so a
     * task is never handed to a worker that is just ending.
     */
    private final class Worker implements Runnable {
        private static final int BUSY = 0;
        private static final int IDLE = 1;
        private static final int ENDED = 2;

        private final AtomicInteger state = new AtomicInteger(BUSY);
        private final Thread thread;
        private volatile Call<?, ?> next;

        Worker(Call<?, ?> first) {
            this.next = first;
            this.thread = Thread.ofPlatform().daemon().name("keelson-netns-" + ids.incrementAndGet()).unstarted(this);
        }

        void start() {
            thread.start();
        }

        boolean offer(Call<?, ?> c) {
            if (!state.compareAndSet(IDLE, BUSY)) {
                return false;
            }
            next = c;
            LockSupport.unpark(thread);
            return true;
        }

        @Override
        public void run() {
            // A new thread inherits the namespace of the thread that started it, which may be
            // another namespace's worker: move home before the first task.
            if (!goHome("the creating thread's network namespace")) {
                failFirst();
                return;
            }
            while (true) {
                Call<?, ?> c = next;
                next = null;
                c.execute();
                if (!goHome(c.what)) {
                    state.set(ENDED);
                    return;
                }
                if (!awaitNext()) {
                    return;
                }
            }
        }

        /** Parks until a task arrives; false when the worker ended after idling too long. */
        private boolean awaitNext() {
            state.set(IDLE);
            idle.addFirst(this);
            long deadline = System.nanoTime() + IDLE_NANOS;
            while (true) {
                if (next != null) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 && state.compareAndSet(IDLE, ENDED)) {
                    idle.remove(this);
                    return false;
                }
                // Claimed (state BUSY) but the task not yet written: a brief park until it is.
                LockSupport.parkNanos(this, Math.max(left, 1_000));
            }
        }

        private boolean goHome(String what) {
            try {
                Libc.setns(home.get(), Flags.CLONE_NEWNET, "the process's network namespace");
                return true;
            } catch (ErrnoException e) {
                LOG.log(System.Logger.Level.WARNING, "retiring " + thread.getName() + ": it could not leave " + what, e);
                return false;
            }
        }

        /** The first task cannot run: report it to its caller rather than run it in a foreign namespace. */
        private void failFirst() {
            state.set(ENDED);
            Call<?, ?> c = next;
            next = null;
            c.error = new IllegalStateException("a new namespace thread could not enter the process's network namespace");
            c.done = true;
            LockSupport.unpark(c.caller);
        }
    }
}
