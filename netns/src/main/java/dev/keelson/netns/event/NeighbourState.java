package dev.keelson.netns.event;

import java.util.EnumSet;
import java.util.Set;

/** Neighbour cache entry states (linux/neighbour.h NUD_*); the kernel reports them as a bit set. */
public enum NeighbourState {
    INCOMPLETE(0x01), REACHABLE(0x02), STALE(0x04), DELAY(0x08), PROBE(0x10), FAILED(0x20),
    /** An entry on a device that needs no resolution (e.g. loopback, point-to-point). */
    NOARP(0x40),
    /** A static entry: added by hand, never expires. */
    PERMANENT(0x80);

    private final int bit;

    NeighbourState(int bit) {
        this.bit = bit;
    }

    /** The NUD_* bit. */
    public int bit() {
        return bit;
    }

    /** The states set in {@code nud} (empty for NUD_NONE). */
    static Set<NeighbourState> of(int nud) {
        EnumSet<NeighbourState> s = EnumSet.noneOf(NeighbourState.class);
        for (NeighbourState n : values()) {
            if ((nud & n.bit) != 0) {
                s.add(n);
            }
        }
        return s;
    }
}
