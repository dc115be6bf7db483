package dev.keelson.netns.event;

/**
 * A notification from the kernel's routing subsystem in one network namespace, decoded: a link,
 * address, route or neighbour that appeared, changed or went away — or an {@link Overrun}, which
 * says that notifications were lost and the listener should re-read the state it tracks.
 *
 * <pre>{@code
 * switch (event) {
 *     case LinkEvent l when l.operState() == OperState.UP -> ...;
 *     case AddressEvent a -> ...;
 *     case Overrun o -> resync();
 *     default -> { }
 * }
 * }</pre>
 */
public sealed interface NetEvent permits LinkEvent, AddressEvent, RouteEvent, NeighbourEvent, Overrun {
}
