package dev.keelson.netns.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.Errno;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.NotFoundException;
import dev.keelson.linux.PermissionException;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.TestNetns;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sysctls written in a fresh namespace, read back there with sysctl(8) and cat through
 * `ip netns exec`, while the test JVM's own namespace (standing in for the host) keeps its values.
 */
@KernelTest
class SysctlsTest {

    @AfterEach
    void cleanUp() {
        TestNetns.deleteAll();
    }

    /** The value in the test JVM's namespace: this thread never left it. */
    private static String here(String path) throws IOException {
        return Files.readString(Path.of("/proc/sys", path)).strip();
    }

    private static String sysctlIn(String ns, String key) {
        return Command.ok("ip", "netns", "exec", ns, "sysctl", "-n", key).strip();
    }

    private static String catIn(String ns, String path) {
        return Command.ok("ip", "netns", "exec", ns, "cat", "/proc/sys/" + path).strip();
    }

    @Test
    void ipForwardIsSetInTheNamespaceOnly() throws IOException {
        try (NetNamespace ns = NetNamespace.create("fw")) {
            Sysctls s = Sysctls.of(ns);
            String hostBefore = here("net/ipv4/ip_forward");
            boolean want = !s.ipForward();
            s.setIpForward(want);
            assertEquals(want, s.ipForward());
            assertEquals(want ? "1" : "0", sysctlIn("fw", "net.ipv4.ip_forward"));
            assertEquals(want ? "1" : "0", catIn("fw", "net/ipv4/conf/all/forwarding")); // the kernel mirrors it
            assertEquals(hostBefore, here("net/ipv4/ip_forward"));
        }
    }

    @Test
    void ipv6ForwardingIsSetInTheNamespaceOnly() throws IOException {
        try (NetNamespace ns = NetNamespace.create("fw6")) {
            Sysctls s = Sysctls.of(ns);
            String hostBefore = here("net/ipv6/conf/all/forwarding");
            boolean want = !s.ipv6Forwarding();
            s.setIpv6Forwarding(want);
            assertEquals(want, s.ipv6Forwarding());
            assertEquals(want ? "1" : "0", sysctlIn("fw6", "net.ipv6.conf.all.forwarding"));
            assertEquals(hostBefore, here("net/ipv6/conf/all/forwarding"));
        }
    }

    /** Each typed setter on a veth and on conf.all, set to a value it did not have, read back by sysctl(8). */
    @ParameterizedTest
    @CsvSource({
        "ipv4, forwarding,     1",
        "ipv4, rp_filter,      2",
        "ipv4, arp_notify,     1",
        "ipv4, proxy_arp,      1",
        "ipv4, route_localnet, 1",
        "ipv6, accept_dad,     2",
        "ipv6, disable_ipv6,   1",
        "ipv6, forwarding,     1",
    })
    void perInterfaceSettersReachTheInterfaceAndAll(String family, String name, String value) throws IOException {
        try (NetNamespace ns = NetNamespace.create("pi")) {
            Command.ok("ip", "-n", "pi", "link", "add", "v0", "type", "veth", "peer", "name", "v1");
            Sysctls s = Sysctls.of(ns);
            IpFamily f = family.equals("ipv4") ? IpFamily.IPV4 : IpFamily.IPV6;
            for (String ifname : List.of("v0", "all")) {
                String path = "net/" + family + "/conf/" + ifname + "/" + name;
                String hostBefore = here(path.replace("/v0/", "/lo/"));
                assertNotEquals(value, s.getInterface(f, ifname, name), "the test must change the value");
                typedSetter(name, f).accept(s, ifname);
                assertEquals(value, s.getInterface(f, ifname, name));
                assertEquals(value, sysctlIn("pi", "net." + family + ".conf." + ifname + "." + name));
                assertEquals(value, catIn("pi", path));
                assertEquals(hostBefore, here(path.replace("/v0/", "/lo/")));
            }
            assertEquals(value, Command.ok("ip", "netns", "exec", "pi", "cat",
                    "/proc/sys/net/" + family + "/conf/v0/" + name).strip());
        }
    }

    /** The setter the API offers for {@code name}, called with the value the table expects. */
    private static BiConsumer<Sysctls, String> typedSetter(String name, IpFamily f) {
        return switch (name) {
            case "forwarding" -> (s, i) -> s.setForwarding(f, i, true);
            case "rp_filter" -> (s, i) -> s.setRpFilter(i, RpFilter.LOOSE);
            case "arp_notify" -> (s, i) -> s.setArpNotify(i, true);
            case "proxy_arp" -> (s, i) -> s.setProxyArp(i, true);
            case "route_localnet" -> (s, i) -> s.setRouteLocalnet(i, true);
            case "accept_dad" -> (s, i) -> s.setAcceptDad(i, 2);
            case "disable_ipv6" -> (s, i) -> s.setDisableIpv6(i, true);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Test
    void interfaceNamesWithDotsWorkInEverySpelling() {
        try (NetNamespace ns = NetNamespace.create("dots")) {
            // a veth may carry a dot in its name just as a VLAN (eth0.100) does
            Command.ok("ip", "-n", "dots", "link", "add", "e0.100", "type", "veth", "peer", "name", "p0");
            Sysctls s = Sysctls.of(ns);
            s.setRpFilter("e0.100", RpFilter.STRICT);
            assertEquals("1", sysctlIn("dots", "net.ipv4.conf.e0/100.rp_filter"));
            assertEquals(RpFilter.STRICT, s.rpFilter("e0.100"));
            s.set("net.ipv4.conf.e0/100.rp_filter", "2");
            assertEquals("2", catIn("dots", "net/ipv4/conf/e0.100/rp_filter"));
            s.set("net/ipv4/conf/e0.100/rp_filter", "0");
            assertEquals("0", sysctlIn("dots", "net/ipv4/conf/e0.100/rp_filter"));
            assertEquals("0", s.get("net.ipv4.conf.e0/100.rp_filter"));
        }
    }

    @Test
    void setAllAndGetAllVisitTheNamespaceOnceForSeveralKeys() {
        try (NetNamespace ns = NetNamespace.create("many")) {
            Sysctls s = Sysctls.of(ns);
            Map<String, String> want = new LinkedHashMap<>();
            want.put("net.ipv4.ip_forward", "1");
            want.put("net.ipv4.conf.lo.route_localnet", "1");
            want.put("net.ipv4.ip_local_port_range", "20000\t30000");
            s.setAll(want);
            assertEquals(want, s.getAll(List.copyOf(want.keySet())));
            assertEquals("20000\t30000", sysctlIn("many", "net.ipv4.ip_local_port_range").replace(' ', '\t'));
        }
    }

    @Test
    void twoNamespacesKeepTheirOwnValues() {
        try (NetNamespace a = NetNamespace.create("a"); NetNamespace b = NetNamespace.create("b")) {
            Sysctls.of(a).setIpForward(true);
            Sysctls.of(b).setIpForward(false);
            assertEquals("1", sysctlIn("a", "net.ipv4.ip_forward"));
            assertEquals("0", sysctlIn("b", "net.ipv4.ip_forward"));
        }
    }

    @Test
    void missingKeysAndInterfacesAreNotFoundNamingTheKey() {
        try (NetNamespace ns = NetNamespace.create("nf")) {
            Sysctls s = Sysctls.of(ns);
            NotFoundException e = assertThrows(NotFoundException.class, () -> s.get("net.ipv4.no_such_key"));
            assertTrue(e.getMessage().startsWith("sysctl(net.ipv4.no_such_key) failed: ENOENT"), e.getMessage());
            NotFoundException w = assertThrows(NotFoundException.class, () -> s.set("net.ipv4.no_such_key", "1"));
            assertTrue(w.getMessage().contains("net.ipv4.no_such_key"), w.getMessage());
            NotFoundException i = assertThrows(NotFoundException.class, () -> s.setRpFilter("nosuch0", RpFilter.LOOSE));
            assertTrue(i.getMessage().contains("net.ipv4.conf.nosuch0.rp_filter"), i.getMessage());
        }
    }

    @Test
    void valuesTheKernelRefusesAreEinvalNamingKeyAndValue() {
        try (NetNamespace ns = NetNamespace.create("inv")) {
            Sysctls s = Sysctls.of(ns);
            ErrnoException e = assertThrows(ErrnoException.class, () -> s.set("net.ipv4.conf.all.rp_filter", "loose"));
            assertEquals(Errno.EINVAL, e.errno());
            assertEquals("sysctl(net.ipv4.conf.all.rp_filter = \"loose\") failed: EINVAL (Invalid argument)", e.getMessage());
            ErrnoException t = assertThrows(ErrnoException.class, () -> s.set("net.ipv4.ip_forward", "yes"));
            assertEquals(Errno.EINVAL, t.errno());
            // a range the kernel checks: low end above high end
            ErrnoException r = assertThrows(ErrnoException.class, () -> s.set("net.ipv4.ip_local_port_range", "30000 20000"));
            assertEquals(Errno.EINVAL, r.errno());
            assertTrue(r.getMessage().contains("net.ipv4.ip_local_port_range = \"30000 20000\""), r.getMessage());
            assertEquals(s.get("net.ipv4.ip_local_port_range"), catIn("inv", "net/ipv4/ip_local_port_range"));
        }
    }

    @Test
    void readOnlyKeysArePermissionErrors() {
        try (NetNamespace ns = NetNamespace.create("ro")) {
            Sysctls s = Sysctls.of(ns);
            String before = s.get("net.ipv4.tcp_available_congestion_control");
            PermissionException e = assertThrows(PermissionException.class,
                    () -> s.set("net.ipv4.tcp_available_congestion_control", "reno"));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            assertEquals(before, s.get("net.ipv4.tcp_available_congestion_control"));
        }
    }

    @Test
    void keysOutsideNetAreRefusedBeforeAnyIo() {
        try (NetNamespace ns = NetNamespace.create("out")) {
            Sysctls s = Sysctls.of(ns);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.get("kernel.hostname"));
            assertTrue(e.getMessage().contains("not a network sysctl"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.set("net/../kernel/hostname", "x"));
            assertThrows(IllegalArgumentException.class, () -> s.set("/proc/sys/net/ipv4/ip_forward", "1"));
        }
    }
}
