package dev.keelson.netns.event;

/**
 * RFC 2863 operational state of a link, as the kernel reports it in IFLA_OPERSTATE (linux/if.h
 * IF_OPER_*). {@link #UP} means the link can pass packets: for a veth, both ends are up.
 */
public enum OperState {
    UNKNOWN, NOTPRESENT, DOWN, LOWERLAYERDOWN, TESTING, DORMANT, UP;

    /** The state for an IF_OPER_* value (out-of-range values read as {@link #UNKNOWN}). */
    static OperState of(int v) {
        OperState[] all = values();
        return v >= 0 && v < all.length ? all[v] : UNKNOWN;
    }
}
