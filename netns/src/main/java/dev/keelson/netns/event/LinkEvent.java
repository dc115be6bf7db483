package dev.keelson.netns.event;

import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.OperState;

/**
 * A link was created or changed ({@link Action#NEW}, RTM_NEWLINK) or removed ({@link Action#DEL},
 * RTM_DELLINK). The link is decoded as {@link dev.keelson.netns.link.Links} reads it; the accessors
 * below are shortcuts for what listeners test most.
 *
 * @param action NEW or DEL
 * @param link   the link as the notification describes it
 */
public record LinkEvent(Action action, Link link) implements NetEvent {
    /** The interface index. */
    public int index() {
        return link.index();
    }

    /** The interface name (IFLA_IFNAME). */
    public String name() {
        return link.name();
    }

    /** The operational state (IFLA_OPERSTATE). */
    public OperState operState() {
        return link.operState();
    }

    /** Whether the link has carrier (IFLA_CARRIER). */
    public boolean carrier() {
        return link.carrier();
    }

    /** The MTU (IFLA_MTU). */
    public int mtu() {
        return link.mtu();
    }

    /** Administratively up (IFF_UP: `ip link set ... up`). */
    public boolean isUp() {
        return link.isUp();
    }

    /** IFF_RUNNING: the kernel considers the link operational (RFC 2863 up or unknown). */
    public boolean isRunning() {
        return link.isRunning();
    }
}
