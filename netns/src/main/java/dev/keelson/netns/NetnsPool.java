package dev.keelson.netns;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps {@code size} pinned namespaces (lo up) ready, so a pod sandbox can take one without
 * waiting for the kernel's ~1 ms {@code unshare}; a background platform thread refills the pool
 * after each take. When the pool is empty, {@link #take()} creates one on the spot.
 *
 * <p>Pooled namespaces are named {@code PREFIX + 16 hex digits}; the name belongs to the taker
 * from then on. {@link #close()} deletes every namespace still in the pool (taken ones are the
 * taker's to delete).
 */
public final class NetnsPool implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetnsPool.class.getName());
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final NetnsDirectory dir;
    private final String prefix;
    private final int size;
    private final ConcurrentLinkedQueue<NetNamespace> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final Thread refiller;
    private volatile boolean closed;

    /** A pool of {@code size} namespaces in {@code dir}, named {@code prefix…}; call {@link #start()}. */
    public NetnsPool(NetnsDirectory dir, String prefix, int size) {
        if (size < 0) {
            throw new IllegalArgumentException("pool size must be >= 0, was " + size);
        }
        this.dir = dir;
        this.prefix = prefix;
        this.size = size;
        this.refiller = Thread.ofPlatform().daemon().name("keelson-netns-pool").unstarted(this::refill);
    }

    /** Starts filling the pool in the background; returns at once. */
    public NetnsPool start() {
        refiller.start();
        return this;
    }

    /**
     * A ready namespace, or a freshly made one when the pool is empty. The caller owns it: it is
     * pinned under the directory and must eventually be {@link NetNamespace#delete() deleted}.
     */
    public NetNamespace take() {
        if (closed) {
            throw new IllegalStateException("the namespace pool is closed");
        }
        NetNamespace ns = ready.poll();
        if (ns != null) {
            count.decrementAndGet();
            LockSupport.unpark(refiller);
            return ns;
        }
        LockSupport.unpark(refiller);
        return dir.create(newName(), true);
    }

    /** Namespaces ready right now. */
    public int available() {
        return count.get();
    }

    /** The target size. */
    public int size() {
        return size;
    }

    /** Blocks until the pool is full or {@code timeout} passes; true when full. For start-up and tests. */
    public boolean awaitFull(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (count.get() < size) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private void refill() {
        while (!closed) {
            if (count.get() >= size) {
                LockSupport.park(this);
                continue;
            }
            try {
                NetNamespace ns = dir.create(newName(), true);
                ready.add(ns);
                count.incrementAndGet();
                if (closed) {
                    drain();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot refill the network namespace pool in " + dir.root()
                        + "; retrying in 1 s", e);
                LockSupport.parkNanos(this, RETRY_NANOS);
            }
        }
    }

    private String newName() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    private void drain() {
        NetNamespace ns;
        while ((ns = ready.poll()) != null) {
            count.decrementAndGet();
            ns.delete();
        }
    }

    /** Stops refilling and deletes the namespaces still in the pool. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(refiller);
        if (refiller.isAlive()) {
            try {
                refiller.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drain();
    }
}
