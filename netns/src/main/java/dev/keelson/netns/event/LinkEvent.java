package dev.keelson.netns.event;

import dev.keelson.netns.link.OperState;

/**
 * A link was created or changed ({@link Action#NEW}, RTM_NEWLINK) or removed ({@link Action#DEL},
 * RTM_DELLINK).
 *
 * @param action    NEW or DEL
 * @param index     the interface index
 * @param name      the interface name (IFLA_IFNAME)
 * @param flags     the IFF_* flags of struct ifinfomsg (net/if.h), e.g. IFF_UP 0x1, IFF_LOWER_UP 0x10000
 * @param operState the operational state (IFLA_OPERSTATE)
 * @param carrier   whether the link has carrier (IFLA_CARRIER; from IFF_LOWER_UP where the kernel does not send it)
 * @param mtu       the MTU (IFLA_MTU), 0 if not reported
 */
public record LinkEvent(Action action, int index, String name, int flags, OperState operState, boolean carrier, int mtu)
        implements NetEvent {
    private static final int IFF_UP = 0x1;
    private static final int IFF_RUNNING = 0x40;

    /** Administratively up (IFF_UP: `ip link set ... up`). */
    public boolean isUp() {
        return (flags & IFF_UP) != 0;
    }

    /** IFF_RUNNING: the kernel considers the link operational (RFC 2863 up or unknown). */
    public boolean isRunning() {
        return (flags & IFF_RUNNING) != 0;
    }
}
