package dev.keelson.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One platform thread in epoll_wait(2) for many descriptors, where a thread per descriptor would
 * cost a stack, a kernel task and malloc arenas each: process exits, through pidfds
 * (pidfd_open(2), for any process, child or not), and readable pipes. A daemon that watches a
 * hundred containers keeps one thread for all of them.
 *
 * <p>Readiness handlers run on the loop's thread: they must not block (read what is there with
 * non-blocking reads, hand slow work to other threads). Exit futures complete on a virtual
 * thread, so what depends on them may block.
 */
public final class EventLoop {
    private static final int EPOLL_CLOEXEC = Flags.O_CLOEXEC;
    private static final int EPOLLIN = 0x001;
    private static final int CTL_ADD = 1;
    private static final int CTL_DEL = 2;
    private static final int BATCH = 64;

    private final Fd epoll;
    private final Map<Long, Runnable> handlers = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private EventLoop(String name) {
        this.epoll = Fd.adopt(Libc.epollCreate1(EPOLL_CLOEXEC));
        Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    private static final class Shared {
        static final EventLoop LOOP = new EventLoop("keelson-event-loop");
    }

    /** The process's loop, started on first use. */
    public static EventLoop shared() {
        return Shared.LOOP;
    }

    /** A registration; closing it stops the calls (one already under way may still finish). */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Calls {@code onReady} on the loop's thread whenever {@code fd} is readable or hung up
     * (level-triggered: until what is there has been read). {@code fd} stays the caller's: close
     * the watch before closing it.
     */
    public Watch watchReadable(Fd fd, Runnable onReady) {
        long id = ids.incrementAndGet();
        add(id, fd, onReady);
        return () -> remove(id, fd);
    }

    private void add(long id, Fd fd, Runnable onReady) {
        handlers.put(id, onReady);
        try {
            Libc.epollCtl(epoll.get(), CTL_ADD, fd.get(), EPOLLIN, id);
        } catch (RuntimeException e) {
            handlers.remove(id);
            throw e;
        }
    }

    /** Unregisters {@code id}; true for the one caller that did it (the others find it gone). */
    private boolean remove(long id, Fd fd) {
        if (handlers.remove(id) == null) {
            return false;
        }
        if (fd.isOpen()) {
            try {
                Libc.epollCtl(epoll.get(), CTL_DEL, fd.get(), 0, 0);
            } catch (RuntimeException e) {
                // the descriptor was closed meanwhile: the kernel dropped it from the set itself
            }
        }
        return true;
    }

    /**
     * Completes, on a virtual thread, once process {@code pid} has ended (exited; a zombie not yet
     * reaped counts as ended). Already complete when there is no such process.
     */
    public CompletableFuture<Void> onExit(int pid) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Fd pidfd;
        try {
            pidfd = Fd.adopt(Libc.pidfdOpen(pid, 0));
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ESRCH) {
                ended.complete(null);
                return ended;
            }
            throw e;
        }
        long id = ids.incrementAndGet(); // known to the handler before it can run
        add(id, pidfd, () -> {
            if (remove(id, pidfd)) {
                pidfd.close();
                Thread.ofVirtual().name("keelson-exit-" + pid).start(() -> ended.complete(null));
            }
        });
        return ended;
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate((long) BATCH * Libc.EPOLL_EVENT_BYTES, 8);
            while (true) {
                int n = Libc.epollWait(epoll.get(), events, -1);
                for (int i = 0; i < n; i++) {
                    long id = events.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) i * Libc.EPOLL_EVENT_BYTES + Libc.EPOLL_DATA_OFFSET);
                    Runnable h = handlers.get(id);
                    if (h != null) {
                        try {
                            h.run();
                        } catch (Throwable e) { // even an OutOfMemoryError must not end the one loop every exit and log needs
                            System.err.println("keelson: event loop handler failed: " + e);
                        }
                    }
                }
            }
        }
    }
}
