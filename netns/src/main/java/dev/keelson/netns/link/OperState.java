package dev.keelson.netns.link;

import dev.keelson.linux.rtnetlink.LinkAttrs;

/** RFC 2863 operational state of a link (IFLA_OPERSTATE, the IF_OPER_* values of linux/if.h). */
public enum OperState {
    UNKNOWN(LinkAttrs.IF_OPER_UNKNOWN),
    NOTPRESENT(LinkAttrs.IF_OPER_NOTPRESENT),
    DOWN(LinkAttrs.IF_OPER_DOWN),
    LOWERLAYERDOWN(LinkAttrs.IF_OPER_LOWERLAYERDOWN),
    TESTING(LinkAttrs.IF_OPER_TESTING),
    DORMANT(LinkAttrs.IF_OPER_DORMANT),
    UP(LinkAttrs.IF_OPER_UP);

    private final int value;

    OperState(int value) {
        this.value = value;
    }

    /** The kernel's value. */
    public int value() {
        return value;
    }

    /** The state for a kernel value; {@link #UNKNOWN} for values this enum does not know. */
    public static OperState of(int value) {
        for (OperState s : values()) {
            if (s.value == value) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
