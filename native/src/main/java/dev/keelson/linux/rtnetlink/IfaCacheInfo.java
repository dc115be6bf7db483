package dev.keelson.linux.rtnetlink;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over {@code struct ifa_cacheinfo} (linux/if_addr.h), the payload of IFA_CACHEINFO:
 * address lifetimes in seconds ({@link RouteAttrs#INFINITY_LIFE_TIME} = forever) and timestamps.
 *
 * <pre>
 *  0                4                8                12               16
 *  +----------------+----------------+----------------+----------------+
 *  | preferred (u32)| valid (u32)    | cstamp (1/100s)| tstamp (1/100s)|
 *  +----------------+----------------+----------------+----------------+
 * </pre>
 */
public final class IfaCacheInfo {
    public static final int SIZE = 16;

    private MemorySegment seg;
    private long off;

    public IfaCacheInfo wrap(MemorySegment segment, long offset) {
        this.seg = segment;
        this.off = offset;
        return this;
    }

    /** Preferred lifetime left, in seconds (unsigned). */
    public int preferred() {
        return seg.get(JAVA_INT_UNALIGNED, off);
    }

    public IfaCacheInfo preferred(int v) {
        seg.set(JAVA_INT_UNALIGNED, off, v);
        return this;
    }

    /** Valid lifetime left, in seconds (unsigned). */
    public int valid() {
        return seg.get(JAVA_INT_UNALIGNED, off + 4);
    }

    public IfaCacheInfo valid(int v) {
        seg.set(JAVA_INT_UNALIGNED, off + 4, v);
        return this;
    }
}
