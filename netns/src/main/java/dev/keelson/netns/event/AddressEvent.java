package dev.keelson.netns.event;

import java.net.InetAddress;

/**
 * An address was added or changed ({@link Action#NEW}, RTM_NEWADDR) or removed ({@link Action#DEL},
 * RTM_DELADDR).
 *
 * @param action       NEW or DEL
 * @param index        the interface index it is on
 * @param family       IPv4 or IPv6
 * @param address      the interface's own address (IFA_LOCAL, else IFA_ADDRESS — they differ only on
 *                     point-to-point links, where IFA_ADDRESS is the peer)
 * @param prefixLength the prefix length
 */
public record AddressEvent(Action action, int index, Family family, InetAddress address, int prefixLength)
        implements NetEvent {
}
