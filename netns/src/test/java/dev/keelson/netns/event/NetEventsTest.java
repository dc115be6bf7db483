package dev.keelson.netns.event;

import static dev.keelson.linux.Flags.AF_INET;
import static dev.keelson.linux.rtnetlink.RouteAttrs.NUD_FAILED;
import static dev.keelson.linux.rtnetlink.RouteAttrs.NUD_PERMANENT;
import static dev.keelson.linux.rtnetlink.RouteAttrs.RT_TABLE_MAIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.TestNetns;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.netns.link.MacAddress;
import dev.keelson.netns.link.OperState;
import dev.keelson.netns.neigh.Neighbour;
import dev.keelson.netns.route.Route;
import dev.keelson.testing.Command;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Notifications from a fresh namespace, caused with iproute2 (`ip -n NS ...`) so that the code under
 * test only listens; every wait is bounded by a timeout, none is a sleep.
 */
@SuppressWarnings("try") // resources held open for the block's duration
@KernelTest
class NetEventsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Set<Group> ALL = EnumSet.allOf(Group.class);

    @AfterEach
    void cleanUp() {
        TestNetns.deleteAll();
    }

    /** Collects events and hands them out in order. */
    private static final class Recorder implements java.util.function.Consumer<NetEvent> {
        final LinkedBlockingQueue<NetEvent> queue = new LinkedBlockingQueue<>();
        final List<NetEvent> seen = new ArrayList<>();

        @Override
        public void accept(NetEvent e) {
            queue.add(e);
        }

        /** The next event matching {@code p}, skipping (but remembering) others; fails after the timeout. */
        <T extends NetEvent> T next(Class<T> type, Predicate<T> p) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                NetEvent e = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                if (e == null) {
                    throw new AssertionError("no matching " + type.getSimpleName() + " within " + WAIT + "; saw " + seen);
                }
                seen.add(e);
                if (type.isInstance(e) && p.test(type.cast(e))) {
                    return type.cast(e);
                }
            }
        }
    }

    /** Port ids of the NETLINK_ROUTE sockets open in {@code ns}, from its /proc/net/netlink (sk Eth Pid Groups ...). */
    private static List<Integer> routeSocketPorts(String ns) {
        return Command.ok("ip", "netns", "exec", ns, "cat", "/proc/net/netlink").lines().skip(1)
                .map(l -> l.trim().split("\\s+"))
                .filter(f -> f[1].equals("0"))
                .map(f -> Integer.parseUnsignedInt(f[2]))
                .toList();
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    /** {@code e} is {@code action} of {@code cidr} (local address and prefix length, hence family) on {@code ifindex}. */
    private static void assertAddress(Action action, int ifindex, String cidr, AddressEvent e) {
        assertEquals(action, e.action(), e.toString());
        assertEquals(ifindex, e.address().ifindex(), e.toString());
        assertEquals(IpPrefix.parse(cidr), e.address().prefix(), e.toString());
    }

    /** {@code e} is {@code action} of the route to {@code dst} (hence family) with these fields; {@code gateway} null for none. */
    private static void assertRoute(Action action, int table, String dst, String gateway, int oif, int type, int priority,
                                    RouteEvent e) throws Exception {
        Route r = e.route();
        assertEquals(action, e.action(), e.toString());
        assertEquals(table, r.table(), e.toString());
        assertEquals(IpPrefix.parse(dst), r.dst(), e.toString());
        assertEquals(gateway == null ? null : ip(gateway), r.gateway(), e.toString());
        assertEquals(oif, r.oif(), e.toString());
        assertEquals(type, r.type(), e.toString());
        assertEquals(priority, r.priority(), e.toString());
    }

    @Test
    void linkAddressRouteAndNeighbourChangesArriveTypedAndInOrder() throws Exception {
        try (NetNamespace ns = NetNamespace.create("ev")) {
            Recorder r = new Recorder();
            try (Subscription s = NetEvents.subscribe(ns, ALL, r)) {
                Command.ok("ip", "-n", "ev", "link", "add", "v0", "mtu", "1400", "type", "veth", "peer", "name", "v1");
                int v0 = Ip.ifindex("ev", "v0");
                LinkEvent created = r.next(LinkEvent.class, l -> l.name().equals("v0"));
                assertEquals(Action.NEW, created.action());
                assertEquals(v0, created.index());
                assertEquals("v0", created.name());
                assertEquals(OperState.DOWN, created.operState());
                assertFalse(created.carrier());
                assertEquals(1400, created.mtu());
                assertFalse(created.isUp());

                Command.ok("ip", "-n", "ev", "link", "set", "v1", "up");
                Command.ok("ip", "-n", "ev", "link", "set", "v0", "up");
                LinkEvent up = r.next(LinkEvent.class, l -> l.name().equals("v0") && l.operState() == OperState.UP);
                assertTrue(up.isUp() && up.carrier() && up.isRunning(), up.toString());

                Command.ok("ip", "-n", "ev", "addr", "add", "10.9.0.1/24", "dev", "v0");
                assertAddress(Action.NEW, v0, "10.9.0.1/24", r.next(AddressEvent.class, a -> a.address().family() == AF_INET));
                RouteEvent prefix = r.next(RouteEvent.class, t -> t.route().table() == RT_TABLE_MAIN);
                assertRoute(Action.NEW, 254, "10.9.0.0/24", null, v0, 1, 0, prefix);

                Command.ok("ip", "-n", "ev", "route", "add", "10.20.0.0/16", "via", "10.9.0.2", "dev", "v0", "metric", "7");
                RouteEvent via = r.next(RouteEvent.class, t -> t.route().table() == RT_TABLE_MAIN);
                assertRoute(Action.NEW, 254, "10.20.0.0/16", "10.9.0.2", v0, 1, 7, via);
                assertEquals("10.20.0.0/16", via.route().dst().toString());

                Command.ok("ip", "-n", "ev", "route", "add", "default", "via", "10.9.0.254", "dev", "v0");
                RouteEvent dflt = r.next(RouteEvent.class, t -> t.route().table() == RT_TABLE_MAIN);
                assertEquals("0.0.0.0/0", dflt.route().dst().toString());
                assertEquals(ip("10.9.0.254"), dflt.route().gateway());

                Command.ok("ip", "-n", "ev", "neigh", "add", "10.9.0.2", "lladdr", "02:00:0a:09:00:02", "dev", "v0",
                        "nud", "permanent");
                assertEquals(new NeighbourEvent(Action.NEW, new Neighbour(v0, ip("10.9.0.2"), MacAddress.parse("02:00:0a:09:00:02"),
                        NUD_PERMANENT, 0)), r.next(NeighbourEvent.class, n -> n.neighbour().family() == AF_INET));

                Command.ok("ip", "-n", "ev", "neigh", "del", "10.9.0.2", "dev", "v0");
                NeighbourEvent forgotten = r.next(NeighbourEvent.class, n -> n.action() == Action.DEL);
                // the kernel marks the entry FAILED and drops its lladdr as it deletes it
                assertEquals(new NeighbourEvent(Action.DEL, new Neighbour(v0, ip("10.9.0.2"), null, NUD_FAILED, 0)), forgotten);
                Command.ok("ip", "-n", "ev", "route", "del", "10.20.0.0/16");
                RouteEvent gone = r.next(RouteEvent.class, t -> t.route().table() == RT_TABLE_MAIN);
                assertEquals(Action.DEL, gone.action());
                assertEquals("10.20.0.0/16", gone.route().dst().toString());
                Command.ok("ip", "-n", "ev", "addr", "del", "10.9.0.1/24", "dev", "v0");
                AddressEvent removed = r.next(AddressEvent.class, a -> a.address().family() == AF_INET);
                assertAddress(Action.DEL, v0, "10.9.0.1/24", removed);

                Command.ok("ip", "-n", "ev", "link", "del", "v0");
                LinkEvent deleted = r.next(LinkEvent.class, l -> l.action() == Action.DEL && l.name().equals("v0"));
                assertEquals(v0, deleted.index());
                assertTrue(s.isOpen());
                // nothing out of order: among the events matched above, each came after the one before
                assertTrue(r.seen.indexOf(created) < r.seen.indexOf(up) && r.seen.indexOf(up) < r.seen.indexOf(prefix)
                        && r.seen.indexOf(prefix) < r.seen.indexOf(via) && r.seen.indexOf(removed) < r.seen.indexOf(deleted));
            }
        }
    }

    @Test
    void ipv6AddressesAndRoutesAreDecoded() throws Exception {
        try (NetNamespace ns = NetNamespace.create("ev6")) {
            Command.ok("ip", "-n", "ev6", "link", "add", "v0", "type", "veth", "peer", "name", "v1");
            Command.ok("ip", "-n", "ev6", "link", "set", "v1", "up");
            Command.ok("ip", "-n", "ev6", "link", "set", "v0", "up");
            int v0 = Ip.ifindex("ev6", "v0");
            Recorder r = new Recorder();
            try (Subscription s = NetEvents.subscribe(ns, EnumSet.of(Group.IPV6_ADDRESS, Group.IPV6_ROUTE), r)) {
                Command.ok("ip", "-n", "ev6", "addr", "add", "fd00:9::1/64", "dev", "v0", "nodad");
                InetAddress mine = ip("fd00:9::1");
                assertAddress(Action.NEW, v0, "fd00:9::1/64", r.next(AddressEvent.class, a -> a.address().local().equals(mine)));
                Command.ok("ip", "-n", "ev6", "route", "add", "fd00:20::/48", "via", "fd00:9::2", "dev", "v0");
                RouteEvent t = r.next(RouteEvent.class, e -> e.route().dst().length() == 48);
                assertRoute(Action.NEW, 254, "fd00:20::/48", "fd00:9::2", v0, 1, 1024, t);
                // groups not asked for are not delivered
                assertTrue(r.seen.stream().noneMatch(e -> e instanceof LinkEvent || e instanceof NeighbourEvent), r.seen.toString());
            }
        }
    }

    @Test
    void aSubscriptionHearsOnlyItsOwnNamespace() throws Exception {
        try (NetNamespace a = NetNamespace.create("a"); NetNamespace b = NetNamespace.create("b")) {
            Recorder r = new Recorder();
            try (Subscription s = NetEvents.subscribe(a, EnumSet.of(Group.LINK), r)) {
                Command.ok("ip", "-n", "b", "link", "add", "inb", "type", "veth", "peer", "name", "inb1");
                Command.ok("ip", "-n", "a", "link", "add", "ina", "type", "veth", "peer", "name", "ina1");
                r.next(LinkEvent.class, l -> l.name().equals("ina1"));
                assertTrue(r.seen.stream().noneMatch(e -> e instanceof LinkEvent l && l.name().startsWith("inb")), r.seen.toString());
            }
        }
    }

    @Test
    void awaitLinkWaitsForAVethToComeUpWhenItsPeerDoes() throws Exception {
        try (NetNamespace ns = NetNamespace.create("aw")) {
            Command.ok("ip", "-n", "aw", "link", "add", "v0", "type", "veth", "peer", "name", "v1");
            Command.ok("ip", "-n", "aw", "link", "set", "v0", "up");
            CountDownLatch waiting = new CountDownLatch(1);
            CompletableFuture<LinkEvent> up = CompletableFuture.supplyAsync(() -> {
                try {
                    waiting.countDown();
                    return NetEvents.awaitLink(ns, "v0", l -> l.operState() == OperState.UP, WAIT);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(waiting.await(5, TimeUnit.SECONDS));
            assertEquals(OperState.LOWERLAYERDOWN,
                    NetEvents.awaitLink(ns, "v0", l -> true, WAIT).operState(), "v0 waits for its peer");
            Command.ok("ip", "-n", "aw", "link", "set", "v1", "up");
            LinkEvent l = up.get(5, TimeUnit.SECONDS);
            assertEquals("v0", l.name());
            assertTrue(l.carrier());
            assertTrue(Command.ok("ip", "-n", "aw", "-j", "link", "show", "v0").contains("\"operstate\":\"UP\""));
            // already true: answered from the current state, at once
            assertEquals(OperState.UP, NetEvents.awaitLink(ns, "v0", x -> x.operState() == OperState.UP, WAIT).operState());
        }
    }

    @Test
    void awaitLinkWaitsForALinkThatDoesNotExistYet() throws Exception {
        try (NetNamespace ns = NetNamespace.create("later")) {
            CompletableFuture<LinkEvent> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return NetEvents.awaitLink(ns, "late0", l -> l.action() == Action.NEW, WAIT);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Command.ok("ip", "-n", "later", "link", "add", "late0", "type", "veth", "peer", "name", "late1");
            assertEquals(Ip.ifindex("later", "late0"), f.get(5, TimeUnit.SECONDS).index());
        }
    }

    @Test
    void awaitLinkTimesOutNamingTheLinkAndItsLastState() throws Exception {
        try (NetNamespace ns = NetNamespace.create("to")) {
            Command.ok("ip", "-n", "to", "link", "add", "v0", "type", "veth", "peer", "name", "v1");
            long t0 = System.nanoTime();
            TimeoutException e = assertThrows(TimeoutException.class,
                    () -> NetEvents.awaitLink(ns, "v0", l -> l.operState() == OperState.UP, Duration.ofMillis(200)));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 200 && ms < 3000, ms + " ms");
            assertTrue(e.getMessage().startsWith("link \"v0\" in \"/run/netns/to\" did not reach the awaited state within 200 ms"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("operState=DOWN"), e.getMessage());
            TimeoutException none = assertThrows(TimeoutException.class,
                    () -> NetEvents.awaitLink(ns, "nosuch", l -> true, Duration.ofMillis(50)));
            assertTrue(none.getMessage().endsWith("last seen: no such link"), none.getMessage());
        }
    }

    @Test
    void closeStopsTheReaderPromptlyAndIsIdempotent() throws Exception {
        try (NetNamespace ns = NetNamespace.create("cl")) {
            Recorder r = new Recorder();
            Subscription s = NetEvents.subscribe(ns, ALL, r);
            Thread reader = s.readerThread();
            assertTrue(reader.isAlive());
            assertTrue(routeSocketPorts("cl").contains(s.portId()), "the socket is open in the namespace");
            assertTrue(reader.getName().contains("/run/netns/cl"), reader.getName());
            long t0 = System.nanoTime();
            s.close();
            long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertFalse(reader.isAlive(), "the reader thread is gone when close() returns");
            assertTrue(closeMs < 500, "close took " + closeMs + " ms");
            assertFalse(s.isOpen());
            s.close();
            assertTrue(s.failure().isEmpty());
            assertFalse(routeSocketPorts("cl").contains(s.portId()), "the socket is closed");
        }
    }

    @Test
    void closingFromTheListenerEndsTheSubscription() throws Exception {
        try (NetNamespace ns = NetNamespace.create("self")) {
            CompletableFuture<Subscription> me = new CompletableFuture<>();
            CountDownLatch delivered = new CountDownLatch(1);
            Subscription s = NetEvents.subscribe(ns, EnumSet.of(Group.LINK), e -> {
                me.join().close();
                delivered.countDown();
            });
            me.complete(s);
            Command.ok("ip", "-n", "self", "link", "add", "v0", "type", "veth", "peer", "name", "v1");
            assertTrue(delivered.await(5, TimeUnit.SECONDS));
            assertTrue(s.awaitTermination(WAIT));
            assertFalse(s.isOpen());
        }
    }

    @Test
    void aListenerThatThrowsStopsTheSubscriptionAndTheFailureIsKept() throws Exception {
        try (NetNamespace ns = NetNamespace.create("boom")) {
            IllegalStateException bug = new IllegalStateException("listener bug");
            Subscription s = NetEvents.subscribe(ns, EnumSet.of(Group.LINK), e -> {
                throw bug;
            });
            Command.ok("ip", "-n", "boom", "link", "add", "v0", "type", "veth", "peer", "name", "v1");
            assertTrue(s.awaitTermination(WAIT));
            assertFalse(s.isOpen());
            assertSame(bug, s.failure().orElseThrow());
            s.close();
        }
    }

    @Test
    void aListenerThatFallsBehindGetsAnOverrunAndTheSubscriptionGoesOn() throws Exception {
        try (NetNamespace ns = NetNamespace.create("ovr")) {
            Command.ok("ip", "-n", "ovr", "link", "add", "v0", "type", "veth", "peer", "name", "v1");
            CountDownLatch release = new CountDownLatch(1);
            Recorder r = new Recorder();
            // the smallest buffer the kernel grants (it doubles the request, to at least ~4.5 KB)
            try (Subscription s = NetEvents.subscribe(ns, EnumSet.of(Group.LINK, Group.IPV4_ADDRESS), e -> {
                try {
                    release.await();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                r.accept(e);
            }, 1)) {
                StringBuilder batch = new StringBuilder();
                for (int i = 1; i <= 200; i++) {
                    batch.append("addr add 10.7.").append(i / 250).append('.').append(i % 250 + 1).append("/32 dev v0\n");
                }
                Path file = Files.createTempFile("batch", ".ip");
                Files.writeString(file, batch);
                Command.ok("ip", "-n", "ovr", "-batch", file.toString());
                Files.delete(file);
                release.countDown();
                assertNotNull(r.next(Overrun.class, o -> o.reason().contains("ENOBUFS")));
                // still listening: a change after the overrun arrives
                Command.ok("ip", "-n", "ovr", "link", "set", "v1", "mtu", "1280");
                assertEquals(1280, r.next(LinkEvent.class, l -> l.name().equals("v1") && l.mtu() == 1280).mtu());
                assertTrue(s.isOpen());
                long addresses = r.seen.stream().filter(e -> e instanceof AddressEvent).count();
                assertTrue(addresses < 200, "some notifications must have been dropped: " + addresses);
            }
        }
    }

    @Test
    void subscribingToNothingIsRefused() throws Exception {
        try (NetNamespace ns = NetNamespace.create("none")) {
            assertThrows(IllegalArgumentException.class, () -> NetEvents.subscribe(ns, Set.of(), e -> { }));
        }
    }
}
