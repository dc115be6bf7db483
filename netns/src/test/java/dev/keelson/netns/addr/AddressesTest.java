package dev.keelson.netns.addr;

import static dev.keelson.linux.rtnetlink.RouteAttrs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.linux.Errno;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.Flags;
import dev.keelson.linux.NotFoundException;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.TestNetns;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Addresses added, listed and deleted over rtnetlink, each cross-checked with {@code ip -j -d addr}. */
@KernelTest
class AddressesTest {
    private static final String NS = "addr";

    private TestNetns t;
    private Rtnetlink rtnl;
    private Addresses addrs;
    private int d0;
    private int d1;

    @BeforeEach
    void setUp() {
        t = TestNetns.create(NS);
        t.ip("link", "add", "d0", "type", "veth", "peer", "name", "d1");
        t.ip("link", "set", "d0", "up");
        d0 = t.index("d0");
        d1 = t.index("d1");
        rtnl = t.rtnl();
        addrs = new Addresses(rtnl);
    }

    @AfterEach
    void tearDown() {
        t.close();
    }

    /** The addr_info entries iproute2 shows for {@code dev}. */
    static List<Map<String, Object>> ipAddrs(String ns, String dev) {
        List<Map<String, Object>> links = Ip.json(ns, "addr", "show", "dev", dev);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> info = (List<Map<String, Object>>) links.get(0).get("addr_info");
        return info;
    }

    static Map<String, Object> ipAddr(String ns, String dev, String local) {
        return ipAddrs(ns, dev).stream().filter(m -> local.equals(m.get("local"))).findFirst().orElse(null);
    }

    private Address only(List<Address> list, String cidr) {
        IpPrefix p = IpPrefix.parse(cidr);
        List<Address> hits = list.stream().filter(a -> a.prefix().equals(p)).toList();
        assertEquals(1, hits.size(), cidr + " in " + list);
        return hits.get(0);
    }

    @Test
    void ipv4WithBroadcastLabelScopeAndLifetimesRoundTrips() {
        Address a = Address.of(d0, "10.0.0.1/24").withBroadcast(InetAddresses.parse("10.0.0.255"))
                .withLabel("d0:web").withLifetimes(3600, 1800);
        addrs.add(a);
        addrs.add(Address.of(d0, "169.254.7.7/16").withScope(RT_SCOPE_LINK));

        Address back = only(addrs.list(d0, Flags.AF_INET), "10.0.0.1/24");
        assertEquals(InetAddresses.parse("10.0.0.255"), back.broadcast());
        assertEquals("d0:web", back.label());
        assertEquals(RT_SCOPE_UNIVERSE, back.scope());
        assertNull(back.peer());
        assertTrue(back.validLifetime() <= 3600 && back.validLifetime() > 3500, back.toString());
        assertTrue(back.preferredLifetime() <= 1800 && back.preferredLifetime() > 1700, back.toString());
        assertFalse(back.hasFlag(IFA_F_PERMANENT), "a finite lifetime is not permanent");
        assertEquals(RT_SCOPE_LINK, only(addrs.list(d0, Flags.AF_INET), "169.254.7.7/16").scope());

        Map<String, Object> ip = ipAddr(NS, "d0", "10.0.0.1");
        assertEquals("inet", ip.get("family"));
        assertEquals(24L, ip.get("prefixlen"));
        assertEquals("10.0.0.255", ip.get("broadcast"));
        assertEquals("d0:web", ip.get("label"));
        assertEquals("global", ip.get("scope"));
        assertTrue((Long) ip.get("valid_life_time") <= 3600);
        assertTrue((Long) ip.get("preferred_life_time") <= 1800);
        assertEquals("link", ipAddr(NS, "d0", "169.254.7.7").get("scope"));
    }

    @Test
    void pointToPointPeerIsIfaAddressAndTheLocalAddressIfaLocal() {
        addrs.add(Address.of(d0, "10.0.1.1/32").withPeer(InetAddresses.parse("10.0.1.2")));
        Map<String, Object> ip = ipAddr(NS, "d0", "10.0.1.1");
        assertEquals("10.0.1.2", ip.get("address"));
        assertEquals(32L, ip.get("prefixlen"));
        Address back = only(addrs.list(d0, Flags.AF_INET), "10.0.1.1/32");
        assertEquals(InetAddresses.parse("10.0.1.2"), back.peer());
        assertTrue(back.hasFlag(IFA_F_PERMANENT));
        addrs.delete(back);
        assertNull(ipAddr(NS, "d0", "10.0.1.1"));
    }

    @Test
    void ipv6NodadNoprefixrouteIsUsableAtOnceAndAddsNoPrefixRoute() {
        addrs.add(Address.of(d0, "fd00:1::1/64").withFlags(IFA_F_NODAD | IFA_F_NOPREFIXROUTE));
        addrs.add(Address.of(d0, "fd00:2::1/64").withFlags(IFA_F_NODAD).withLifetimes(600, 300));

        Address a = only(addrs.list(d0, Flags.AF_INET6), "fd00:1::1/64");
        assertTrue(a.hasFlag(IFA_F_NODAD) && a.hasFlag(IFA_F_NOPREFIXROUTE) && a.hasFlag(IFA_F_PERMANENT), a.toString());
        assertFalse(a.hasFlag(IFA_F_TENTATIVE), "nodad: not tentative");
        assertEquals(Address.FOREVER, a.validLifetime());
        Address b = only(addrs.list(d0, Flags.AF_INET6), "fd00:2::1/64");
        assertTrue(b.validLifetime() <= 600 && b.preferredLifetime() <= 300, b.toString());
        assertFalse(b.hasFlag(IFA_F_PERMANENT));

        Map<String, Object> ip = ipAddr(NS, "d0", "fd00:1::1");
        assertEquals("inet6", ip.get("family"));
        assertEquals(64L, ip.get("prefixlen"));
        assertEquals(Boolean.TRUE, ip.get("nodad"));
        assertEquals(Boolean.TRUE, ip.get("noprefixroute"));
        assertNull(ip.get("tentative"));
        assertEquals(Boolean.TRUE, ipAddr(NS, "d0", "fd00:2::1").get("dynamic"));
        String routes = t.ip("-6", "route", "show", "dev", "d0");
        assertFalse(routes.contains("fd00:1::/64"), routes);
        assertTrue(routes.contains("fd00:2::/64"), routes);
    }

    @Test
    void listFiltersByInterfaceAndFamilyWithAndWithoutStrictChecking() {
        addrs.add(Address.of(d0, "10.0.0.1/24"));
        addrs.add(Address.of(d1, "10.0.0.2/24"));
        addrs.add(Address.of(d1, "fd00::2/64").withFlags(IFA_F_NODAD));
        for (int pass = 0; pass < 2; pass++) {
            assertEquals(List.of("10.0.0.1/24"), addrs.list(d0, Flags.AF_INET).stream().map(a -> a.prefix().toString()).toList());
            assertEquals(List.of("fd00::2/64"), addrs.list(d1, Flags.AF_INET6).stream().map(a -> a.prefix().toString()).toList());
            // d1 is down, so it has no fe80:: address yet; d0 is up and has one
            assertEquals(2, addrs.list(d1, AF_UNSPEC).size());
            assertTrue(addrs.list(Flags.AF_INET).stream().anyMatch(a -> a.prefix().toString().equals("10.0.0.2/24")));
            assertTrue(addrs.list().stream().allMatch(a -> a.ifindex() == d0 || a.ifindex() == d1 || a.ifindex() == 1));
            rtnl.strict();
        }
    }

    @Test
    void ensureIsIdempotentAndExplainsAConflict() {
        Address a = Address.of(d0, "fd00::7/64").withFlags(IFA_F_NODAD);
        Address first = addrs.ensure(a);
        Address second = addrs.ensure(a);
        assertEquals(first.prefix(), second.prefix());
        assertEquals(1, ipAddrs(NS, "d0").stream().filter(m -> "fd00::7".equals(m.get("local"))).count());

        AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
                () -> addrs.ensure(Address.of(d0, "fd00::7/56").withFlags(IFA_F_NODAD)));
        assertEquals(Errno.EEXIST, e.errno());
        assertTrue(e.getMessage().contains("already on ifindex " + d0 + " as fd00::7/64"), e.getMessage());
        assertTrue(e.getMessage().startsWith("RTM_NEWADDR(fd00::7/56 on ifindex " + d0 + ") failed: EEXIST"), e.getMessage());
    }

    @Test
    void errorsAreTyped() {
        Address a = Address.of(d0, "10.0.0.1/24");
        addrs.add(a);
        AlreadyExistsException dup = assertThrows(AlreadyExistsException.class, () -> addrs.add(a));
        assertEquals(Errno.EEXIST, dup.errno());

        NotFoundException nodev = assertThrows(NotFoundException.class, () -> addrs.add(Address.of(9999, "10.9.0.1/24")));
        assertEquals(Errno.ENODEV, nodev.errno());
        assertTrue(nodev.getMessage().startsWith("RTM_NEWADDR(10.9.0.1/24 on ifindex 9999) failed: ENODEV"), nodev.getMessage());

        ErrnoException bad = assertThrows(ErrnoException.class,
                () -> addrs.add(Address.of(d0, "10.0.5.1/24").withLifetimes(10, 50)));
        assertEquals(Errno.EINVAL, bad.errno());
        assertNotNull(bad.detail(), "the kernel says why: " + bad.getMessage());
        System.out.println("EINVAL as reported: " + bad.getMessage());

        addrs.delete(a);
        assertNull(ipAddr(NS, "d0", "10.0.0.1"));
        ErrnoException gone = assertThrows(ErrnoException.class, () -> addrs.delete(a));
        assertEquals(Errno.EADDRNOTAVAIL, gone.errno());
        assertSame(ErrnoException.class, gone.getClass());
    }

    @Test
    void replaceUpdatesFlagsAndLifetimesInPlace() {
        addrs.add(Address.of(d0, "fd00::9/64").withFlags(IFA_F_NODAD).withLifetimes(600, 600));
        addrs.replace(Address.of(d0, "fd00::9/64").withFlags(IFA_F_NODAD | IFA_F_NOPREFIXROUTE));
        Address back = only(addrs.list(d0, Flags.AF_INET6), "fd00::9/64");
        assertEquals(Address.FOREVER, back.validLifetime());
        assertTrue(back.hasFlag(IFA_F_NOPREFIXROUTE));
        Map<String, Object> ip = ipAddr(NS, "d0", "fd00::9");
        assertEquals(4294967295L, ip.get("valid_life_time"));
        assertEquals(Boolean.TRUE, ip.get("noprefixroute"));
    }

    @Test
    void prefixesParseFormatAndMask() {
        assertEquals("10.1.2.0/23", IpPrefix.parse("10.1.3.7/23").network().toString());
        assertEquals("fd00::/8", IpPrefix.parse("fdff:1::1/8").network().toString());
        assertEquals("fd00::1:0:0:1/128", IpPrefix.parse("fd00:0:0:0:1:0:0:1").toString());
        assertEquals("0.0.0.0/0", IpPrefix.any(Flags.AF_INET).toString());
        assertEquals("::/0", IpPrefix.any(Flags.AF_INET6).toString());
        assertTrue(IpPrefix.parse("10.0.0.0/8").contains(InetAddresses.parse("10.200.1.1")));
        assertFalse(IpPrefix.parse("10.0.0.0/8").contains(InetAddresses.parse("11.0.0.1")));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.1/33"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("example.com/24"));
    }
}
