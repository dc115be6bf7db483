package dev.keelson.netns.event;

import dev.keelson.linux.rtnetlink.EventSocket;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.link.Links;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * rtnetlink notifications of a network namespace as typed {@link NetEvent}s: the basis for
 * monitoring, and for waiting on a link's state without sleeping.
 *
 * <pre>{@code
 * try (Subscription s = NetEvents.subscribe(podNs, EnumSet.of(Group.LINK, Group.IPV4_ADDRESS), event -> {
 *     switch (event) {
 *         case LinkEvent l -> log(l.name() + " " + l.operState());
 *         case Overrun o -> resync();            // notifications were lost: re-read with a dump
 *         default -> { }
 *     }
 * })) { ... }
 *
 * // a CNI plugin after setting both ends of a veth up:
 * NetEvents.awaitLink(podNs, "eth0", l -> l.operState() == OperState.UP, Duration.ofSeconds(5));
 * }</pre>
 */
public final class NetEvents {
    /** Receive buffer asked for by default (the kernel doubles it); bursts of thousands of notifications fit. */
    public static final int DEFAULT_RECEIVE_BUFFER = 4 * 1024 * 1024;

    private NetEvents() {
    }

    /**
     * Subscribes to {@code groups} in {@code ns}. The socket joins them (from a thread inside
     * {@code ns}) before this returns, so every change made after it returns is delivered. The
     * listener runs on the subscription's reader thread, one event at a time; a slow listener makes
     * the kernel drop notifications, reported as an {@link Overrun}. If the listener throws, the
     * subscription stops and keeps the exception ({@link Subscription#failure()}).
     */
    public static Subscription subscribe(NetNamespace ns, Set<Group> groups, Consumer<NetEvent> listener) {
        return subscribe(ns, groups, listener, DEFAULT_RECEIVE_BUFFER);
    }

    /** As {@link #subscribe(NetNamespace, Set, Consumer)} with a receive buffer of {@code receiveBuffer} bytes. */
    public static Subscription subscribe(NetNamespace ns, Set<Group> groups, Consumer<NetEvent> listener,
                                         int receiveBuffer) {
        Objects.requireNonNull(listener, "listener");
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("subscribe to at least one group");
        }
        if (receiveBuffer <= 0) {
            throw new IllegalArgumentException("receive buffer must be positive: " + receiveBuffer);
        }
        int[] numbers = groups.stream().mapToInt(Group::number).toArray();
        EventSocket socket = ns.run(() -> EventSocket.open(numbers, receiveBuffer));
        return Subscription.start(socket, listener, describe(ns));
    }

    /**
     * Waits until the link named {@code name} in {@code ns} satisfies {@code condition}, and returns
     * the state that did. The current state is checked first (after subscribing, so no change
     * falls between the check and the wait); then each change of that link is tested as it
     * arrives, and after an {@link Overrun} the state is read again. A link that does not exist yet
     * is waited for.
     *
     * @throws TimeoutException if {@code timeout} passes first; the message names the link, the
     *                          namespace and the last state seen
     */
    public static LinkEvent awaitLink(NetNamespace ns, String name, Predicate<LinkEvent> condition, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        LinkedBlockingQueue<NetEvent> queue = new LinkedBlockingQueue<>();
        Consumer<NetEvent> mine = e -> {
            if (e instanceof Overrun || e instanceof LinkEvent l && name.equals(l.name())) {
                queue.add(e);
            }
        };
        try (Subscription s = subscribe(ns, EnumSet.of(Group.LINK), mine, 256 * 1024);
             Rtnetlink rtnl = Rtnetlink.open(ns)) {
            Links links = new Links(rtnl);
            LinkEvent last = current(links, name);
            if (last != null && condition.test(last)) {
                return last;
            }
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    TimeoutException t = new TimeoutException("link \"" + name + "\" in " + describe(ns)
                            + " did not reach the awaited state within " + timeout.toMillis() + " ms; last seen: "
                            + (last == null ? "no such link" : last));
                    s.failure().ifPresent(t::initCause);
                    throw t;
                }
                NetEvent e = queue.poll(left, TimeUnit.NANOSECONDS);
                LinkEvent l = e instanceof Overrun ? current(links, name) : (LinkEvent) e;
                if (l != null) {
                    last = l;
                    if (condition.test(l)) {
                        return l;
                    }
                }
            }
        }
    }

    /** The link's current state as a NEW event (RTM_GETLINK by name), or null if there is no such link. */
    private static LinkEvent current(Links links, String name) {
        return links.find(name).map(l -> new LinkEvent(Action.NEW, l)).orElse(null);
    }

    /** The namespace for messages: its pin, else its inode. */
    static String describe(NetNamespace ns) {
        return ns.path() != null ? "\"" + ns.path() + "\"" : "netns inode " + ns.inode();
    }
}
