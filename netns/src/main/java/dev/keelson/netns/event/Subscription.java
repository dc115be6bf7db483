package dev.keelson.netns.event;

import dev.keelson.linux.rtnetlink.EventSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A live subscription to rtnetlink notifications of one namespace, made by
 * {@link NetEvents#subscribe}: one socket and one reader thread that decodes each notification and
 * calls the listener, in the order the kernel sent them.
 *
 * <pre>
 *   open ──(close() / listener throws / socket error)──▶ closed
 * </pre>
 *
 * {@link #close()} is idempotent, may be called from any thread (the listener included), and
 * returns promptly: it wakes the reader, waits up to {@value #CLOSE_WAIT_MILLIS} ms for it to finish
 * the event it may be delivering, and never longer — a listener that blocks past that is
 * interrupted and the socket is closed when it returns. No event is delivered once close() has
 * begun, apart from one the listener is already handling.
 */
public final class Subscription implements AutoCloseable {
    static final long CLOSE_WAIT_MILLIS = 2_000;

    private final EventSocket socket;
    private final Consumer<NetEvent> listener;
    private final String where;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Thread reader;
    private volatile boolean closed;
    private volatile Throwable failure;

    private Subscription(EventSocket socket, Consumer<NetEvent> listener, String where) {
        this.socket = socket;
        this.listener = listener;
        this.where = where;
        // a platform thread: the reader sits in a native recvfrom, which would pin a virtual thread's carrier
        this.reader = Thread.ofPlatform().daemon().name("keelson-events " + where).unstarted(this::read);
    }

    /** Takes ownership of {@code socket} (already joined to its groups) and starts the reader. */
    static Subscription start(EventSocket socket, Consumer<NetEvent> listener, String where) {
        Subscription s = new Subscription(socket, listener, where);
        s.reader.start();
        return s;
    }

    private void read() {
        EventDecoder decoder = new EventDecoder();
        Consumer<dev.keelson.linux.netlink.NlMsg> deliver = m -> {
            if (!closed) {
                NetEvent e = decoder.decode(m);
                if (e != null) {
                    listener.accept(e);
                }
            }
        };
        try {
            while (!closed) {
                if (socket.receive(deliver) == EventSocket.OVERRUN && !closed) {
                    long big = socket.lastTruncatedLength();
                    listener.accept(new Overrun(big > 0
                            ? "a notification of " + big + " bytes did not fit the receive buffer"
                            : "ENOBUFS: the socket's receive queue overflowed and the kernel dropped notifications"));
                }
            }
        } catch (Throwable t) {
            if (!closed) {
                failure = t;
            }
        } finally {
            closed = true;
            socket.close();
        }
    }

    /** Which namespace this listens to, for messages. */
    public String where() {
        return where;
    }

    /** True until {@link #close()} is called or the reader stopped (listener or socket failure). */
    public boolean isOpen() {
        return !closed;
    }

    /** Why the reader stopped on its own — the exception the listener threw, or a socket error — if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Waits up to {@code timeout} for the reader thread to end (it ends after close() or a failure);
     * true if it has.
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        if (Thread.currentThread() == reader) {
            return false;
        }
        return reader.join(timeout);
    }

    /** The socket's netlink port id, for tests (it appears in /proc/net/netlink while the socket is open). */
    int portId() {
        return socket.portId();
    }

    /** The reader thread, for tests. */
    Thread readerThread() {
        return reader;
    }

    @Override
    public void close() {
        closed = true;
        if (Thread.currentThread() == reader) {
            return; // called from the listener: the reader ends when the listener returns
        }
        if (closing.compareAndSet(false, true)) {
            try {
                socket.wakeUp();
            } catch (RuntimeException e) {
                reader.interrupt(); // cannot happen short of a kernel oddity; the join below still bounds the wait
            }
        }
        try {
            if (!reader.join(Duration.ofMillis(CLOSE_WAIT_MILLIS))) {
                reader.interrupt(); // a listener blocked in something interruptible
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Subscription[" + where + (closed ? ", closed" : "") + "]";
    }
}
