package dev.keelson.netns.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.NotSupportedException;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every link kind created with its options, read back through Links.get and `ip -j -d`. */
@KernelTest
class LinkKindsTest extends LinkFixture {

    @Test
    void vethWithEveryOptionRoundTrips() {
        links.add(Veth.named("v0").peer("v1").mtu(1400).mac("02:00:00:00:00:01").peerMac("02:00:00:00:00:02")
                .txQueueLen(500));
        Link v0 = links.get("v0");
        Link v1 = links.get("v1");
        assertEquals("veth", v0.kind());
        assertEquals(1400, v0.mtu());
        assertEquals(1400, v1.mtu(), "the peer gets the same MTU unless told otherwise");
        assertEquals(MacAddress.parse("02:00:00:00:00:01"), v0.mac());
        assertEquals(MacAddress.parse("02:00:00:00:00:02"), v1.mac());
        assertEquals(500, v0.txQueueLen());
        assertEquals(new VethData(v1.index()), v0.data());
        assertEquals(v1.index(), v0.parentIndex());
        assertEquals(-1, v0.linkNetnsId());
        assertFalse(v0.isUp());

        Map<String, Object> ip = Ip.link(A, "v0");
        assertEquals(1400L, Ip.num(ip, "mtu"));
        assertEquals("02:00:00:00:00:01", ip.get("address"));
        assertEquals(500L, Ip.num(ip, "txqlen"));
        assertEquals("veth", Ip.obj(ip, "linkinfo").get("info_kind"));
        assertEquals("v1", ip.get("link"));
        assertEquals((long) v0.index(), Ip.num(ip, "ifindex"));
        assertEquals(Ip.num(ip, "min_mtu"), v0.minMtu());
        assertEquals(Ip.num(ip, "max_mtu"), v0.maxMtu());
        assertEquals(ip.get("broadcast"), v0.broadcast().toString());
        assertEquals("02:00:00:00:00:02", Ip.link(A, "v1").get("address"));
    }

    @Test
    void vethPeerIsCreatedDirectlyInAnotherNamespace() {
        links.add(Veth.named("host0").peer("eth0", nsB).peerMtu(1450).up());
        assertTrue(Ip.exists(B, "eth0"));
        assertFalse(Ip.exists(A, "eth0"));
        assertFalse(Ip.exists(B, "host0"));
        Link host = links.get("host0");
        Link peer = linksB.get("eth0");
        assertTrue(host.isUp());
        assertEquals(1450, peer.mtu());
        assertEquals(1500, host.mtu());
        assertEquals(new VethData(peer.index()), host.data());
        assertNotEquals(-1, host.linkNetnsId(), "the peer lives in another namespace, named by an nsid");
        Map<String, Object> ip = Ip.link(A, "host0");
        assertEquals((long) host.linkNetnsId(), Ip.num(ip, "link_netnsid"));
        assertEquals(1450L, Ip.num(Ip.link(B, "eth0"), "mtu"));
    }

    @Test
    void linksAreCreatedDirectlyInATargetNamespace() {
        links.add(Bridge.named("br9").inNamespace(nsB).mtu(1400));
        links.add(Veth.named("in-b").peer("in-a", nsA).inNamespace(nsB));
        assertFalse(Ip.exists(A, "br9"));
        assertEquals(1400L, Ip.num(Ip.link(B, "br9"), "mtu"));
        assertEquals("bridge", linksB.get("br9").kind());
        assertTrue(Ip.exists(B, "in-b"));
        assertTrue(Ip.exists(A, "in-a"));
    }

    @Test
    void bridgeWithEveryOptionRoundTrips() {
        links.add(Bridge.named("br0").stp(true).forwardDelay(Duration.ofSeconds(4)).ageingTime(Duration.ofSeconds(120))
                .mcastSnooping(false).mtu(1400).mac("02:00:00:00:00:b0").up());
        Link br = links.get("br0");
        assertEquals(new BridgeData(true, Duration.ofSeconds(4), Duration.ofSeconds(120), false, false), br.data());
        assertEquals(1400, br.mtu());
        assertTrue(br.isUp());
        assertEquals(MacAddress.parse("02:00:00:00:00:b0"), br.mac());

        Map<String, Object> data = Ip.obj(Ip.link(A, "br0"), "linkinfo", "info_data");
        assertEquals(1L, Ip.num(data, "stp_state"));
        assertEquals(400L, Ip.num(data, "forward_delay"));
        assertEquals(12000L, Ip.num(data, "ageing_time"));
        assertEquals(0L, Ip.num(data, "mcast_snooping"));
        assertEquals(0L, Ip.num(data, "vlan_filtering"));
    }

    @Test
    void bridgeDefaultsAreTheKernels() {
        links.add(Bridge.named("br1"));
        BridgeData d = (BridgeData) links.get("br1").data();
        Map<String, Object> data = Ip.obj(Ip.link(A, "br1"), "linkinfo", "info_data");
        assertEquals(Ip.num(data, "stp_state") != 0, d.stp());
        assertEquals(Ip.num(data, "forward_delay") * 10, d.forwardDelay().toMillis());
        assertEquals(Ip.num(data, "mcast_snooping") != 0, d.mcastSnooping());
    }

    /** This machine's kernel lacks CONFIG_BRIDGE_VLAN_FILTERING; where it has it, the option round-trips. */
    @Test
    void bridgeVlanFilteringWorksOrFailsTypedAndClearly() {
        try {
            links.add(Bridge.named("brv").vlanFiltering(true));
            assertTrue(((BridgeData) links.get("brv").data()).vlanFiltering());
            assertEquals(1L, Ip.num(Ip.obj(Ip.link(A, "brv"), "linkinfo", "info_data"), "vlan_filtering"));
        } catch (NotSupportedException e) {
            assertEquals("EOPNOTSUPP", e.symbol());
            assertTrue(e.getMessage().startsWith("RTM_NEWLINK(\"brv\" bridge) failed: EOPNOTSUPP"), e.getMessage());
            assertTrue(e.getMessage().contains("CONFIG_BRIDGE_VLAN_FILTERING"), e.getMessage());
            assertFalse(Ip.exists(A, "brv"), "a failed create leaves nothing behind");
        }
    }

    @ParameterizedTest
    @EnumSource(MacvlanMode.class)
    void macvlanInEveryModeRoundTrips(MacvlanMode mode) {
        lowerVeth("low0");
        links.add(Macvlan.named("mv0", "low0").mode(mode).mtu(1400).mac("02:00:00:00:00:aa"));
        Link mv = links.get("mv0");
        assertEquals(new MacvlanData(mode), mv.data());
        assertEquals(links.get("low0").index(), mv.parentIndex());
        assertEquals(1400, mv.mtu());
        Map<String, Object> ip = Ip.link(A, "mv0");
        assertEquals(mode.ipName(), Ip.obj(ip, "linkinfo", "info_data").get("mode"));
        assertEquals("low0", ip.get("link"));
        assertEquals(ip.get("address"), mv.mac().toString());
        if (mode != MacvlanMode.PASSTHRU) { // passthru takes over its lower device's address
            assertEquals("02:00:00:00:00:aa", ip.get("address"));
        }
    }

    @Test
    void macvlanIsCreatedDirectlyInAPodNamespace() {
        lowerVeth("low0");
        links.add(Macvlan.named("eth0", "low0").mode(MacvlanMode.BRIDGE).inNamespace(nsB));
        assertFalse(Ip.exists(A, "eth0"));
        Link mv = linksB.get("eth0");
        assertEquals(new MacvlanData(MacvlanMode.BRIDGE), mv.data());
        assertNotEquals(-1, mv.linkNetnsId(), "its lower device is in another namespace");
        assertEquals("bridge", Ip.obj(Ip.link(B, "eth0"), "linkinfo", "info_data").get("mode"));
    }

    /** ipvlan needs CONFIG_IPVLAN (absent here): round-trips where present, typed error where not. */
    @ParameterizedTest
    @EnumSource(IpvlanMode.class)
    void ipvlanRoundTripsOrIsTypedNotSupported(IpvlanMode mode) {
        lowerVeth("low0");
        try {
            links.add(Ipvlan.named("iv0", "low0").mode(mode));
        } catch (NotSupportedException e) {
            assertUnknownKind(e, "iv0", "ipvlan");
            return;
        }
        assertEquals(new IpvlanData(mode), links.get("iv0").data());
        assertEquals(mode.name().toLowerCase(), Ip.obj(Ip.link(A, "iv0"), "linkinfo", "info_data").get("mode"));
    }

    /** vlan needs CONFIG_VLAN_8021Q (absent here): round-trips where present, typed error where not. */
    @ParameterizedTest
    @EnumSource(VlanProtocol.class)
    void vlanRoundTripsOrIsTypedNotSupported(VlanProtocol protocol) {
        lowerVeth("low0");
        try {
            links.add(Vlan.named("low0.100", "low0", 100).protocol(protocol));
        } catch (NotSupportedException e) {
            assertUnknownKind(e, "low0.100", "vlan");
            return;
        }
        assertEquals(new VlanData(100, protocol), links.get("low0.100").data());
        Map<String, Object> data = Ip.obj(Ip.link(A, "low0.100"), "linkinfo", "info_data");
        assertEquals(100L, Ip.num(data, "id"));
        assertEquals(protocol.ipName(), data.get("protocol"));
    }

    private static void assertUnknownKind(NotSupportedException e, String name, String kind) {
        assertEquals("EOPNOTSUPP", e.symbol());
        assertTrue(e.getMessage().startsWith("RTM_NEWLINK(\"" + name + "\" " + kind + ") failed: EOPNOTSUPP"),
                e.getMessage());
        assertTrue(e.getMessage().contains("no \"" + kind + "\" link kind"), e.getMessage());
    }

    @Test
    void vxlanWithUnicastRemoteRoundTrips() throws Exception {
        lowerVeth("low0");
        links.add(Vxlan.named("vx0", 42).local(InetAddress.ofLiteral("10.0.0.1")).remote(InetAddress.ofLiteral("10.0.0.2"))
                .dstPort(4789).learning(false).portRange(1000, 2000).device("low0").mtu(1400));
        Link vx = links.get("vx0");
        VxlanData d = (VxlanData) vx.data();
        assertEquals(new VxlanData(42, InetAddress.ofLiteral("10.0.0.1"), InetAddress.ofLiteral("10.0.0.2"), 4789, false,
                new PortRange(1000, 2000), links.get("low0").index(), 0), d);
        assertFalse(d.hasGroup());
        assertEquals(1400, vx.mtu());

        Map<String, Object> data = Ip.obj(Ip.link(A, "vx0"), "linkinfo", "info_data");
        assertEquals(42L, Ip.num(data, "id"));
        assertEquals("10.0.0.1", data.get("local"));
        assertEquals("10.0.0.2", data.get("remote"));
        assertEquals(4789L, Ip.num(data, "port"));
        assertEquals(false, data.get("learning"));
        assertEquals("low0", data.get("link"));
        assertEquals(1000L, Ip.num(Ip.obj(data, "port_range"), "low"));
        assertEquals(2000L, Ip.num(Ip.obj(data, "port_range"), "high"));
    }

    @Test
    void vxlanWithMulticastGroupRoundTrips() {
        lowerVeth("low0");
        links.add(Vxlan.named("vx1", 4242).group(InetAddress.ofLiteral("239.1.1.1")).device("low0").dstPort(4789));
        VxlanData d = (VxlanData) links.get("vx1").data();
        assertTrue(d.hasGroup());
        assertTrue(d.learning(), "learning is on by default");
        assertNull(d.local());
        Map<String, Object> data = Ip.obj(Ip.link(A, "vx1"), "linkinfo", "info_data");
        assertEquals("239.1.1.1", data.get("group"));
        assertEquals(4242L, Ip.num(data, "id"));
        assertEquals(true, data.get("learning"));
    }

    @Test
    void vxlanOverIpv6RoundTrips() {
        links.add(Vxlan.named("vx6", 7).local(InetAddress.ofLiteral("fd00::1")).remote(InetAddress.ofLiteral("fd00::2"))
                .dstPort(4789));
        VxlanData d = (VxlanData) links.get("vx6").data();
        assertEquals(InetAddress.ofLiteral("fd00::1"), d.local());
        assertEquals(InetAddress.ofLiteral("fd00::2"), d.remote());
        Map<String, Object> data = Ip.obj(Ip.link(A, "vx6"), "linkinfo", "info_data");
        assertEquals("fd00::1", data.get("local6"));
        assertEquals("fd00::2", data.get("remote6"));
    }

    @Test
    void aKindTheKernelLacksIsNotSupported() {
        NotSupportedException e = assertThrows(NotSupportedException.class,
                () -> links.add(GenericLink.of("x0", "no-such-kind")));
        assertUnknownKind(e, "x0", "no-such-kind");
        assertTrue(e.detail().contains("Unknown device type"), e.detail());
    }

    @Test
    void kindsWithoutTypedDataReadBackWithNullData() {
        links.add(Veth.named("v0").peer("v1"));
        Link lo = links.get("lo");
        assertTrue(lo.isLoopback());
        assertNull(lo.kind());
        assertNull(lo.data());
        assertInstanceOf(VethData.class, links.get("v0").data());
    }
}
