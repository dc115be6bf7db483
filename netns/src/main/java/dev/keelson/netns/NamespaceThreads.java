package dev.keelson.netns;

import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.Fd;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The only threads that ever change network namespace: dedicated platform threads.
 *
 * <p>A namespace belongs to an OS thread (setns(2) and unshare(2) affect the calling thread only).
 * A virtual thread moves between carrier threads, so switching one would leak the namespace to
 * whatever runs next on that carrier; hence this pool. Each task switches in, runs, and switches
 * back to the process's home namespace. A thread that cannot switch back is retired — it dies and
 * is never handed another task — because it would run the next task in the wrong namespace.
 *
 * <pre>
 *   caller ──submit──▶ keelson-netns-N: setns(target) → task → setns(home) ──ok──▶ idle, reused
 *                                                                    └─fail──▶ thread ends
 * </pre>
 */
final class NamespaceThreads {
    private static final System.Logger LOG = System.getLogger(NamespaceThreads.class.getName());
    static final NamespaceThreads INSTANCE = new NamespaceThreads();

    /** The namespace of the process's first thread: where every pool thread lives between tasks. */
    private final Fd home = Fd.adopt(Libc.open("/proc/self/ns/net", Flags.O_RDONLY | Flags.O_CLOEXEC, 0));
    private final ThreadPoolExecutor pool;

    private NamespaceThreads() {
        ThreadFactory platform = Thread.ofPlatform().daemon().name("keelson-netns-", 0)
                .uncaughtExceptionHandler((t, e) -> {
                    if (!(e instanceof Retired)) {
                        LOG.log(System.Logger.Level.ERROR, "namespace thread " + t.getName() + " failed", e);
                    }
                })
                .factory();
        // A new thread inherits the namespace of the thread that creates it, which may be another
        // namespace's worker: every worker first moves itself home.
        ThreadFactory homed = r -> platform.newThread(() -> {
            Libc.setns(home.get(), Flags.CLONE_NEWNET, "the process's network namespace");
            r.run();
        });
        pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), homed);
    }

    /** The descriptor of the home namespace. */
    int homeFd() {
        return home.get();
    }

    /**
     * Runs {@code task} on a namespace thread after switching it into {@code targetFd} (or leaving it
     * at home when {@code targetFd} is -1, for tasks that unshare a new namespace themselves) and
     * returns its result. The calling thread's own namespace is never touched.
     */
    <T, E extends Exception> T call(int targetFd, String what, NsCallable<T, E> task) throws E {
        return await(submit(targetFd, what, task));
    }

    /** As {@link #call} without waiting: the caller may do independent work meanwhile, then {@link #await} the result. */
    <T, E extends Exception> CompletableFuture<T> submit(int targetFd, String what, NsCallable<T, E> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        pool.execute(() -> {
            try {
                if (targetFd >= 0) {
                    Libc.setns(targetFd, Flags.CLONE_NEWNET, what);
                }
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                goHome(what);
            }
        });
        return result;
    }

    private void goHome(String what) {
        try {
            Libc.setns(home.get(), Flags.CLONE_NEWNET, "the process's network namespace");
        } catch (ErrnoException e) {
            LOG.log(System.Logger.Level.WARNING, "retiring " + Thread.currentThread().getName()
                    + ": it could not leave " + what, e);
            throw new Retired(e);
        }
    }

    /** The result of a {@link #submit}ted task; its exception is rethrown as is. Interrupts are deferred, not lost. */
    @SuppressWarnings("unchecked")
    static <T, E extends Exception> T await(CompletableFuture<T> result) throws E {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    // The task is already running in another thread; its result must not be lost
                    // (it may own a namespace or a mount). Wait, then restore the flag.
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException r) {
                        throw r;
                    }
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw (E) c;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends a worker thread that is stranded in a foreign namespace. */
    private static final class Retired extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Retired(Throwable cause) {
            super(cause);
        }
    }
}
