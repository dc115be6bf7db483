package dev.keelson.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A growable block of native memory with a visible owner: this object. Growing allocates a new
 * block in a new arena, copies the prefix the caller still needs, and frees the old block, so a
 * segment obtained before {@link #ensure} must not be used after it.
 */
public final class NativeBuffer implements AutoCloseable {
    private Arena arena;
    private MemorySegment segment;

    public NativeBuffer(long capacity) {
        this.arena = Arena.ofShared();
        this.segment = arena.allocate(capacity, 8);
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
            arena.close();
            arena = null;
            segment = MemorySegment.NULL;
        }
    }
}
