package dev.keelson.netns.event;

import dev.keelson.netns.addr.Address;

/**
 * An address was added or changed ({@link Action#NEW}, RTM_NEWADDR) or removed ({@link Action#DEL},
 * RTM_DELADDR).
 *
 * @param action  NEW or DEL
 * @param address the address, decoded as {@link dev.keelson.netns.addr.Addresses#list} reads it
 */
public record AddressEvent(Action action, Address address) implements NetEvent {
}
