package dev.keelson.netns.route;

import static dev.keelson.linux.rtnetlink.RouteAttrs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.linux.Errno;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.Flags;
import dev.keelson.linux.NotFoundException;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.TestNetns;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.testing.Ip;
import dev.keelson.testing.Json;
import dev.keelson.testing.KernelTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routes added, replaced, listed and deleted over rtnetlink, each cross-checked with {@code ip -j -d route}. */
@KernelTest
class RoutesTest {
    private static final String NS = "route";
    private static final int T = 100;

    private TestNetns t;
    private Rtnetlink rtnl;
    private Routes routes;
    private int d0;
    private int d1;

    @BeforeEach
    void setUp() {
        t = TestNetns.create(NS);
        ip("link", "add", "d0", "type", "veth", "peer", "name", "d1");
        ip("link", "set", "d0", "up");
        ip("link", "set", "d1", "up");
        ip("addr", "add", "10.0.0.1/24", "dev", "d0");
        ip("addr", "add", "10.0.1.1/24", "dev", "d1");
        ip("-6", "addr", "add", "fd00::1/64", "dev", "d0", "nodad");
        ip("-6", "addr", "add", "fd01::1/64", "dev", "d1", "nodad");
        d0 = t.index("d0");
        d1 = t.index("d1");
        rtnl = t.rtnl();
        routes = new Routes(rtnl);
    }

    @AfterEach
    void tearDown() {
        t.close();
    }

    static String ip(String... args) {
        return Ip.in(NS, args);
    }

    /** What {@code ip -j -d [-6] route show table TABLE} lists. */
    static List<Map<String, Object>> ipRoutes(boolean v6, String table) {
        return v6 ? Json.objects(ip("-j", "-d", "-6", "route", "show", "table", table))
                : Json.objects(ip("-j", "-d", "route", "show", "table", table));
    }

    static Map<String, Object> ipRoute(boolean v6, String table, String dst) {
        List<Map<String, Object>> hits = ipRoutes(v6, table).stream().filter(m -> dst.equals(m.get("dst"))).toList();
        assertTrue(hits.size() <= 1, hits.toString());
        return hits.isEmpty() ? null : hits.get(0);
    }

    private Route only(RouteFilter f, String dst) {
        List<Route> hits = routes.list(f).stream().filter(r -> r.dst().equals(IpPrefix.parse(dst))).toList();
        assertEquals(1, hits.size(), dst + " in " + hits);
        return hits.get(0);
    }

    @Test
    void ipv4RouteWithEveryOptionRoundTrips() {
        Route r = Route.to("10.5.0.0/16").withGateway("10.0.0.2").withOif(d0).withTable(T).withPriority(7)
                .withMtu(1400).withAdvmss(1360).withPrefsrc(InetAddresses.parse("10.0.0.1")).withProtocol(RTPROT_STATIC);
        routes.add(r);

        Route back = only(RouteFilter.table(T), "10.5.0.0/16");
        assertEquals(new Route(IpPrefix.parse("10.5.0.0/16"), InetAddresses.parse("10.0.0.2"), d0,
                InetAddresses.parse("10.0.0.1"), 7, T, RTPROT_STATIC, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0, 1400, 1360,
                List.of()), back);

        Map<String, Object> ip = ipRoute(false, "100", "10.5.0.0/16");
        assertEquals("unicast", ip.get("type"));
        assertEquals("10.0.0.2", ip.get("gateway"));
        assertEquals("d0", ip.get("dev"));
        assertEquals("static", ip.get("protocol"));
        assertEquals("global", ip.get("scope"));
        assertEquals("10.0.0.1", ip.get("prefsrc"));
        assertEquals(7L, ip.get("metric"));
        assertEquals(List.of(Map.of("mtu", 1400L, "advmss", 1360L)), ip.get("metrics"));
    }

    @Test
    void directRouteDefaultsToScopeLinkAndProtocolBootLikeIproute2() {
        routes.add(Route.to("10.20.0.0/16").withOif(d1));
        Map<String, Object> ip = ipRoute(false, "main", "10.20.0.0/16");
        assertEquals("link", ip.get("scope"));
        assertEquals("boot", ip.get("protocol"));
        assertEquals("d1", ip.get("dev"));
        Route back = only(RouteFilter.main(), "10.20.0.0/16");
        assertEquals(RT_SCOPE_LINK, back.scope());
        assertEquals(RTPROT_BOOT, back.protocol());
        // the kernel's own prefix routes are listed too, as `ip route` shows them
        Route kernel = only(RouteFilter.main().withFamily(Flags.AF_INET), "10.0.0.0/24");
        assertEquals(RTPROT_KERNEL, kernel.protocol());
        assertEquals(InetAddresses.parse("10.0.0.1"), kernel.prefsrc());
        assertEquals(d0, kernel.oif());
    }

    @Test
    void ipv6DefaultRouteInACustomTableWithTableIdAbove255() {
        int big = 100_000;
        routes.add(Route.defaultRoute(Flags.AF_INET6).withGateway("fd00::2").withOif(d0).withTable(big).withPriority(300));
        Map<String, Object> ip = ipRoute(true, String.valueOf(big), "default");
        assertEquals("fd00::2", ip.get("gateway"));
        assertEquals("d0", ip.get("dev"));
        assertEquals(300L, ip.get("metric"));
        Route back = only(RouteFilter.table(big), "::/0");
        assertEquals(big, back.table());
        assertEquals(Flags.AF_INET6, back.family());
        assertEquals(InetAddresses.parse("fd00::2"), back.gateway());
        assertEquals(300, back.priority());

        routes.add(Route.to("fd09::/64").withOif(d1).withTable(big));
        Route direct = only(RouteFilter.table(big), "fd09::/64");
        assertEquals(1024, direct.priority(), "the kernel's default IPv6 metric");
        assertNull(direct.gateway());
    }

    @Test
    void multipathIpv4AndIpv6WithWeights() {
        routes.add(Route.to("10.6.0.0/16").withTable(T).withNexthops(List.of(
                NextHop.via("10.0.0.2", d0).withWeight(2), NextHop.via("10.0.1.2", d1).withWeight(3))));
        routes.add(Route.to("fd05::/64").withTable(T).withNexthops(List.of(
                NextHop.via("fd00::2", d0), NextHop.via("fd01::2", d1))));

        assertEquals(List.of(new NextHop(InetAddresses.parse("10.0.0.2"), d0, 2, 0),
                        new NextHop(InetAddresses.parse("10.0.1.2"), d1, 3, 0)),
                only(RouteFilter.table(T), "10.6.0.0/16").nexthops());
        assertEquals(List.of(new NextHop(InetAddresses.parse("fd00::2"), d0, 1, 0),
                        new NextHop(InetAddresses.parse("fd01::2"), d1, 1, 0)),
                only(RouteFilter.table(T), "fd05::/64").nexthops());

        assertEquals(List.of(Map.of("gateway", "10.0.0.2", "dev", "d0", "weight", 2L, "flags", List.of()),
                        Map.of("gateway", "10.0.1.2", "dev", "d1", "weight", 3L, "flags", List.of())),
                ipRoute(false, "100", "10.6.0.0/16").get("nexthops"));
        assertEquals(List.of(Map.of("gateway", "fd00::2", "dev", "d0", "weight", 1L, "flags", List.of()),
                        Map.of("gateway", "fd01::2", "dev", "d1", "weight", 1L, "flags", List.of())),
                ipRoute(true, "100", "fd05::/64").get("nexthops"));
    }

    @Test
    void blackholeUnreachableAndProhibitRoutes() {
        routes.add(Route.to("10.8.0.0/16").withTable(T).withType(RTN_BLACKHOLE));
        routes.add(Route.to("10.9.0.0/16").withTable(T).withType(RTN_UNREACHABLE));
        routes.add(Route.to("10.10.0.0/16").withTable(T).withType(RTN_PROHIBIT));
        routes.add(Route.to("fd08::/64").withTable(T).withType(RTN_BLACKHOLE));
        assertEquals("blackhole", ipRoute(false, "100", "10.8.0.0/16").get("type"));
        assertEquals("unreachable", ipRoute(false, "100", "10.9.0.0/16").get("type"));
        assertEquals("prohibit", ipRoute(false, "100", "10.10.0.0/16").get("type"));
        assertEquals("blackhole", ipRoute(true, "100", "fd08::/64").get("type"));
        assertEquals(RTN_BLACKHOLE, only(RouteFilter.table(T), "10.8.0.0/16").type());
        assertEquals(RTN_UNREACHABLE, only(RouteFilter.table(T), "10.9.0.0/16").type());
        assertEquals(RTN_PROHIBIT, only(RouteFilter.table(T), "10.10.0.0/16").type());
        assertEquals(RTN_BLACKHOLE, only(RouteFilter.table(T), "fd08::/64").type());
        assertEquals(3, routes.list(RouteFilter.table(T).withFamily(Flags.AF_INET).withType(RTN_BLACKHOLE)).size()
                + routes.list(RouteFilter.table(T).withFamily(Flags.AF_INET).withType(RTN_UNREACHABLE)).size()
                + routes.list(RouteFilter.table(T).withFamily(Flags.AF_INET).withType(RTN_PROHIBIT)).size());
    }

    @Test
    void onlinkGatewayIsAcceptedAndWithoutOnlinkItIsNetworkUnreachable() {
        Route off = Route.to("10.7.0.0/16").withGateway("192.168.9.1").withOif(d0).withTable(T);
        ErrnoException e = assertThrows(ErrnoException.class, () -> routes.add(off));
        assertEquals(Errno.ENETUNREACH, e.errno());
        assertNotNull(e.detail(), e.getMessage());
        assertTrue(e.getMessage().startsWith("RTM_NEWROUTE(10.7.0.0/16 via 192.168.9.1 oif " + d0 + " table 100) failed: ENETUNREACH"),
                e.getMessage());
        System.out.println("ENETUNREACH as reported: " + e.getMessage());

        routes.add(off.onlink());
        assertTrue(only(RouteFilter.table(T), "10.7.0.0/16").isOnlink());
        assertEquals(List.of("onlink"), ipRoute(false, "100", "10.7.0.0/16").get("flags"));

        // a multipath route of one path is stored as a single-path route: use two
        routes.add(Route.to("10.70.0.0/16").withTable(T).withNexthops(List.of(
                NextHop.via("192.168.9.2", d0).onlink(), NextHop.via("192.168.9.3", d1).onlink())));
        List<NextHop> paths = only(RouteFilter.table(T), "10.70.0.0/16").nexthops();
        assertEquals(2, paths.size());
        assertTrue(paths.stream().allMatch(p -> (p.flags() & RTNH_F_ONLINK) != 0), paths.toString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> ipPaths = (List<Map<String, Object>>) ipRoute(false, "100", "10.70.0.0/16").get("nexthops");
        assertEquals(List.of("onlink"), ipPaths.get(1).get("flags"));
    }

    @Test
    void replaceChangesTheRouteInPlaceAndDeleteRemovesIt() {
        Route r = Route.to("10.30.0.0/16").withGateway("10.0.0.2").withOif(d0).withTable(T);
        routes.add(r);
        routes.replace(r.withGateway("10.0.1.2").withOif(d1));
        Map<String, Object> ip = ipRoute(false, "100", "10.30.0.0/16");
        assertEquals("10.0.1.2", ip.get("gateway"));
        assertEquals("d1", ip.get("dev"));

        Route listed = only(RouteFilter.table(T), "10.30.0.0/16");
        routes.delete(listed);
        assertNull(ipRoute(false, "100", "10.30.0.0/16"));
        NotFoundException gone = assertThrows(NotFoundException.class, () -> routes.delete(listed));
        assertEquals(Errno.ESRCH, gone.errno());

        // a hand-built route deletes what it names, whatever protocol the route was added with
        routes.add(Route.to("fd30::/64").withOif(d0).withTable(T).withProtocol(RTPROT_STATIC));
        routes.delete(Route.to("fd30::/64").withOif(d0).withTable(T));
        assertNull(ipRoute(true, "100", "fd30::/64"));
    }

    @Test
    void errorsAreTyped() {
        Route r = Route.to("10.40.0.0/16").withOif(d0).withTable(T);
        routes.add(r);
        AlreadyExistsException dup = assertThrows(AlreadyExistsException.class, () -> routes.add(r));
        assertEquals(Errno.EEXIST, dup.errno());

        NotFoundException nodev = assertThrows(NotFoundException.class, () -> routes.add(Route.to("10.41.0.0/16").withOif(9999)));
        assertEquals(Errno.ENODEV, nodev.errno());

        ErrnoException inval = assertThrows(ErrnoException.class, () -> routes.add(Route.to("10.42.0.1/16").withOif(d0)));
        assertEquals(Errno.EINVAL, inval.errno());
        assertNotNull(inval.detail(), inval.getMessage());
        System.out.println("EINVAL as reported: " + inval.getMessage());
    }

    @Test
    void ensureIsIdempotentAndExplainsAConflict() {
        Route r = Route.to("10.50.0.0/16").withGateway("10.0.0.2").withOif(d0).withTable(T);
        Route first = routes.ensure(r);
        assertEquals(first, routes.ensure(r));
        assertEquals(1, ipRoutes(false, "100").size());
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
                () -> routes.ensure(r.withGateway("10.0.1.2").withOif(d1)));
        assertTrue(e.getMessage().contains("the table has 10.50.0.0/16 via 10.0.0.2 oif " + d0 + " table 100 instead"),
                e.getMessage());
    }

    @Test
    void filtersGiveTheSameAnswerWithAndWithoutStrictChecking() {
        routes.add(Route.to("10.60.0.0/16").withOif(d0).withTable(T));
        routes.add(Route.to("10.61.0.0/16").withOif(d1).withTable(T).withProtocol(RTPROT_STATIC));
        routes.add(Route.to("fd60::/64").withOif(d1).withTable(T));
        routes.add(Route.to("10.62.0.0/16").withOif(d0).withTable(101));
        for (int pass = 0; pass < 2; pass++) {
            assertEquals(List.of("10.60.0.0/16", "10.61.0.0/16", "fd60::/64"), dsts(RouteFilter.table(T)));
            assertEquals(List.of("10.61.0.0/16", "fd60::/64"), dsts(RouteFilter.table(T).withOif(d1)));
            assertEquals(List.of("10.61.0.0/16"), dsts(RouteFilter.table(T).withProtocol(RTPROT_STATIC)));
            assertEquals(List.of("fd60::/64"), dsts(RouteFilter.table(T).withFamily(Flags.AF_INET6)));
            assertEquals(List.of("10.62.0.0/16"), dsts(RouteFilter.table(101)));
            assertTrue(routes.list(RouteFilter.ALL).stream().anyMatch(r -> r.table() == RT_TABLE_LOCAL && r.type() == RTN_LOCAL));
            rtnl.strict();
        }
        NotFoundException e = assertThrows(NotFoundException.class, () -> routes.list(RouteFilter.table(T).withOif(9999)));
        assertEquals(Errno.ENODEV, e.errno(), "in strict mode the kernel checks the interface filter");
    }

    private List<String> dsts(RouteFilter f) {
        return routes.list(f).stream().map(r -> r.dst().toString()).toList();
    }
}
