package dev.keelson.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A growable block of native memory with a visible owner: this object. Growing allocates a new
 * block in a new arena, copies the prefix the caller still needs, and frees the old block, so a
 * segment obtained before {@link #ensure} must not be used after it.
 *
 * <p>Blocks of up to {@value #POOLED_MAX} bytes that were never grown go back to a small pool on
 * {@link #close} instead of being freed: buffers live in shared arenas (a netlink socket is used
 * from several threads), and closing a shared arena makes the JVM handshake every thread — about
 * 12–20 µs here, paid twice per short-lived netlink socket, e.g. one per CNI ADD. A pooled block
 * is handed out again as-is (its old bytes are not cleared; every user writes before it reads).
 */
public final class NativeBuffer implements AutoCloseable {
    static final long POOLED_MAX = 64 * 1024;
    private static final int POOL_DEPTH = 16;
    private static final Map<Long, Pool> POOLS = new ConcurrentHashMap<>();

    private Arena arena;
    private MemorySegment segment;
    private final Pool pool;

    public NativeBuffer(long capacity) {
        this.pool = capacity > 0 && capacity <= POOLED_MAX ? POOLS.computeIfAbsent(capacity, c -> new Pool()) : null;
        Block b = pool == null ? null : pool.blocks.poll();
        if (b != null) {
            pool.size.decrementAndGet();
            this.arena = b.arena;
            this.segment = b.segment;
        } else {
            this.arena = Arena.ofShared();
            this.segment = arena.allocate(capacity, 8);
        }
    }

    private record Block(Arena arena, MemorySegment segment) {
    }

    private static final class Pool {
        final ConcurrentLinkedQueue<Block> blocks = new ConcurrentLinkedQueue<>();
        final AtomicInteger size = new AtomicInteger();
    }

    /** The current block. */
    public MemorySegment segment() {
        return segment;
    }

    public long capacity() {
        return segment.byteSize();
    }

    /** Makes the block at least {@code capacity} bytes, keeping its first {@code keep} bytes. */
    public MemorySegment ensure(long capacity, long keep) {
        if (capacity <= segment.byteSize()) {
            return segment;
        }
        long size = Math.max(capacity, segment.byteSize() * 2);
        Arena next = Arena.ofShared();
        MemorySegment bigger = next.allocate(size, 8);
        MemorySegment.copy(segment, 0, bigger, 0, Math.min(keep, segment.byteSize()));
        arena.close();
        arena = next;
        segment = bigger;
        return segment;
    }

    @Override
    public void close() {
        if (arena != null) {
            if (pool != null && pool.size.incrementAndGet() <= POOL_DEPTH && POOLS.get(segment.byteSize()) == pool) {
                pool.blocks.add(new Block(arena, segment)); // never grown: still the pooled size
            } else {
                if (pool != null) {
                    pool.size.decrementAndGet();
                }
                arena.close();
            }
            arena = null;
            segment = MemorySegment.NULL;
        }
    }
}
