package dev.keelson.netns.neigh;

import static dev.keelson.linux.rtnetlink.RouteAttrs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.keelson.netns.link.MacAddress;
import dev.keelson.testing.Command;
import dev.keelson.testing.Ip;
import dev.keelson.testing.Json;
import dev.keelson.testing.KernelTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ARP/NDP entries and bridge FDB entries over rtnetlink, cross-checked with {@code ip -j neigh} and {@code bridge -j fdb}. */
@KernelTest
class NeighboursTest {
    private static final String NS = "neigh";

    private TestNetns t;
    private Rtnetlink rtnl;
    private Neighbours neigh;
    private BridgeFdb fdb;
    private int d0;
    private int d1;
    private int br0;

    @BeforeEach
    void setUp() {
        t = TestNetns.create(NS);
        ip("link", "add", "d0", "type", "veth", "peer", "name", "d1");
        ip("link", "add", "br0", "type", "bridge");
        ip("link", "set", "d1", "master", "br0");
        for (String l : List.of("d0", "d1", "br0")) {
            ip("link", "set", l, "up");
        }
        d0 = t.index("d0");
        d1 = t.index("d1");
        br0 = t.index("br0");
        rtnl = t.rtnl();
        neigh = new Neighbours(rtnl);
        fdb = new BridgeFdb(rtnl);
    }

    @AfterEach
    void tearDown() {
        t.close();
    }

    static String ip(String... args) {
        return Ip.in(NS, args);
    }

    static Map<String, Object> ipNeigh(String dst) {
        return Json.objects(ip("-j", "-d", "neigh", "show", "nud", "all")).stream()
                .filter(m -> dst.equals(m.get("dst"))).findFirst().orElse(null);
    }

    static List<Map<String, Object>> bridgeFdb(String mac) {
        return Json.objects(Command.ok("bridge", "-n", NS, "-j", "-d", "fdb", "show", "br", "br0")).stream()
                .filter(m -> mac.equals(m.get("mac"))).toList();
    }

    private Neighbour only(int ifindex, int family, String dst) {
        List<Neighbour> hits = neigh.list(ifindex, family).stream()
                .filter(n -> n.address().equals(InetAddresses.parse(dst))).toList();
        assertEquals(1, hits.size(), dst + " in " + hits);
        return hits.get(0);
    }

    @Test
    void arpAndNdpEntriesInEachStateRoundTrip() {
        neigh.add(Neighbour.of(d0, "10.0.0.2", "02:00:00:00:00:02"));
        neigh.add(Neighbour.of(d0, "10.0.0.3", "02:00:00:00:00:03").withState(NUD_STALE));
        neigh.add(Neighbour.of(d0, "10.0.0.4", "02:00:00:00:00:04").withState(NUD_REACHABLE));
        neigh.add(new Neighbour(d0, InetAddresses.parse("10.0.0.5"), null, NUD_NOARP, 0));
        neigh.add(Neighbour.of(d0, "fd00::2", "02:00:00:00:00:12").withState(NUD_REACHABLE).withFlags(NTF_ROUTER));

        Neighbour p = only(d0, Flags.AF_INET, "10.0.0.2");
        assertEquals(MacAddress.parse("02:00:00:00:00:02"), p.lladdr());
        assertEquals(NUD_PERMANENT, p.state());
        assertEquals(NUD_STALE, only(d0, Flags.AF_INET, "10.0.0.3").state());
        assertTrue(only(d0, Flags.AF_INET, "10.0.0.4").inState(NUD_REACHABLE | NUD_DELAY | NUD_STALE | NUD_PROBE));
        assertEquals(NUD_NOARP, only(d0, Flags.AF_INET, "10.0.0.5").state());
        Neighbour v6 = only(d0, Flags.AF_INET6, "fd00::2");
        assertEquals(NTF_ROUTER, v6.flags() & NTF_ROUTER);
        assertEquals(Flags.AF_INET6, v6.family());

        assertEquals("02:00:00:00:00:02", ipNeigh("10.0.0.2").get("lladdr"));
        assertEquals(List.of("PERMANENT"), ipNeigh("10.0.0.2").get("state"));
        assertEquals(List.of("STALE"), ipNeigh("10.0.0.3").get("state"));
        assertEquals(List.of("NOARP"), ipNeigh("10.0.0.5").get("state"));
        assertEquals("d0", ipNeigh("fd00::2").get("dev"));
        assertTrue(ipNeigh("fd00::2").containsKey("router"));
        assertEquals(0, neigh.list(d1, AF_UNSPEC).stream().filter(n -> n.address().toString().contains("10.0.0.")).count());
    }

    @Test
    void replaceOverwritesAndDeleteRemoves() {
        neigh.add(Neighbour.of(d0, "10.0.0.2", "02:00:00:00:00:02").withState(NUD_STALE));
        neigh.replace(Neighbour.of(d0, "10.0.0.2", "02:00:00:00:00:99"));
        assertEquals("02:00:00:00:00:99", ipNeigh("10.0.0.2").get("lladdr"));
        assertEquals(List.of("PERMANENT"), ipNeigh("10.0.0.2").get("state"));

        Neighbour n = only(d0, Flags.AF_INET, "10.0.0.2");
        neigh.delete(n);
        assertNull(ipNeigh("10.0.0.2"));
        NotFoundException gone = assertThrows(NotFoundException.class, () -> neigh.delete(n));
        assertEquals(Errno.ENOENT, gone.errno());
    }

    @Test
    void errorsAreTyped() {
        Neighbour n = Neighbour.of(d0, "10.0.0.2", "02:00:00:00:00:02");
        neigh.add(n);
        AlreadyExistsException dup = assertThrows(AlreadyExistsException.class, () -> neigh.add(n));
        assertEquals(Errno.EEXIST, dup.errno());
        NotFoundException nodev = assertThrows(NotFoundException.class,
                () -> neigh.add(Neighbour.of(9999, "10.0.0.9", "02:00:00:00:00:09")));
        assertEquals(Errno.ENODEV, nodev.errno());
        ErrnoException inval = assertThrows(ErrnoException.class,
                () -> neigh.add(Neighbour.of(d0, "10.0.0.8", "02:00:00")));
        assertEquals(Errno.EINVAL, inval.errno());
        System.out.println("EINVAL as reported: " + inval.getMessage());
    }

    @Test
    void bridgeFdbStaticEntriesAddListAndDelete() {
        fdb.add(FdbEntry.of("02:00:00:00:00:aa", d1));
        fdb.add(FdbEntry.of("02:00:00:00:00:bb", d1).withState(NUD_PERMANENT));

        List<Map<String, Object>> aa = bridgeFdb("02:00:00:00:00:aa");
        assertEquals(1, aa.size(), aa.toString());
        assertEquals("d1", aa.get(0).get("ifname"));
        assertEquals("br0", aa.get(0).get("master"));
        assertEquals("static", aa.get(0).get("state"));
        assertEquals("permanent", bridgeFdb("02:00:00:00:00:bb").get(0).get("state"));

        for (int pass = 0; pass < 2; pass++) {
            List<FdbEntry> mine = fdb.list(br0);
            FdbEntry a = mine.stream().filter(e -> e.mac().equals(MacAddress.parse("02:00:00:00:00:aa"))).findFirst().orElseThrow();
            assertEquals(d1, a.ifindex());
            assertEquals(br0, a.master());
            assertTrue(a.isStatic() && !a.isLocal(), a.toString());
            assertTrue(mine.stream().anyMatch(e -> e.mac().equals(MacAddress.parse("02:00:00:00:00:bb")) && e.isLocal()));
            assertTrue(mine.stream().allMatch(e -> e.master() == br0 || e.ifindex() == br0), mine.toString());
            assertTrue(mine.stream().noneMatch(e -> e.ifindex() == d0), "d0 is not a port of br0");
            rtnl.strict();
        }

        AlreadyExistsException dup = assertThrows(AlreadyExistsException.class, () -> fdb.add(FdbEntry.of("02:00:00:00:00:aa", d1)));
        assertEquals(Errno.EEXIST, dup.errno());

        fdb.delete(FdbEntry.of("02:00:00:00:00:aa", d1));
        assertEquals(List.of(), bridgeFdb("02:00:00:00:00:aa"));
        NotFoundException gone = assertThrows(NotFoundException.class, () -> fdb.delete(FdbEntry.of("02:00:00:00:00:aa", d1)));
        assertEquals(Errno.ENOENT, gone.errno());
    }

    @Test
    void macAddressesParseAndPrintLikeIproute2() {
        MacAddress m = MacAddress.parse("02:AB:cd:00:00:0A");
        assertEquals("02:ab:cd:00:00:0a", m.toString());
        assertEquals(m, MacAddress.parse("02:ab:cd:00:00:0a"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:zz"));
    }
}
