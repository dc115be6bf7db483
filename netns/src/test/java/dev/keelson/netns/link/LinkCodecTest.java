package dev.keelson.netns.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.NlMsg;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A create request has the layout of the kernel's RTM_NEWLINK replies, so encoding a spec and
 * decoding it with the reply decoder must give back what was asked. This covers the kinds this
 * machine's kernel lacks (vlan, ipvlan) without a kernel; the kernel tests cover the rest for real.
 */
class LinkCodecTest {

    private static Link roundTrip(LinkSpec<?> spec, int lower) {
        try (MessageWriter w = new MessageWriter()) {
            LinkEncoder.create(w, spec, lower);
            return new LinkDecoder().decode(new NlMsg().wrap(w.segment(), 0));
        }
    }

    @ParameterizedTest
    @EnumSource(VlanProtocol.class)
    void vlan(VlanProtocol p) {
        Link l = roundTrip(Vlan.named("eth0.4094", "eth0", 4094).protocol(p).mtu(1496), 7);
        assertEquals("eth0.4094", l.name());
        assertEquals("vlan", l.kind());
        assertEquals(7, l.parentIndex());
        assertEquals(1496, l.mtu());
        assertEquals(new VlanData(4094, p), l.data());
    }

    @ParameterizedTest
    @EnumSource(IpvlanMode.class)
    void ipvlan(IpvlanMode m) {
        Link l = roundTrip(Ipvlan.named("iv0", "eth0").mode(m), 3);
        assertEquals(new IpvlanData(m), l.data());
        assertEquals(3, l.parentIndex());
    }

    @Test
    void vxlanDeviceGoesInsideTheDataNotAsIflaLink() {
        Link l = roundTrip(Vxlan.named("vx0", 0xffffff).local(InetAddress.ofLiteral("10.1.1.1"))
                .group(InetAddress.ofLiteral("239.0.0.9")).device("eth0").portRange(1, 65535), 5);
        assertEquals(0, l.parentIndex());
        assertEquals(new VxlanData(0xffffff, InetAddress.ofLiteral("10.1.1.1"), InetAddress.ofLiteral("239.0.0.9"), 0,
                false, new PortRange(1, 65535), 5, 0), l.data());
    }

    @Test
    void bridgeTimesTravelInHundredthsOfASecond() {
        Link l = roundTrip(Bridge.named("br0").forwardDelay(Duration.ofMillis(2500)).ageingTime(Duration.ofMinutes(10))
                .stp(true).mcastSnooping(true).vlanFiltering(true).up(), 0);
        assertEquals(new BridgeData(true, Duration.ofMillis(2500), Duration.ofMinutes(10), true, true), l.data());
        assertTrue(l.isUp());
        assertEquals(250, Bridge.toClockT(Duration.ofMillis(2500)));
    }

    @Test
    void vethWithoutPeerOptionsSendsNoData() {
        Link l = roundTrip(Veth.named("v0"), 0);
        assertEquals("veth", l.kind());
        assertEquals(new VethData(0), l.data());
        assertNull(l.mac());
    }

    @Test
    void macAddressesPrintAndParseAsIpDoes() {
        MacAddress m = MacAddress.parse("02:AB:cd:00:11:ff");
        assertEquals("02:ab:cd:00:11:ff", m.toString());
        assertEquals(6, m.length());
        assertTrue(m.isLocalUnicast());
        assertEquals(m, MacAddress.of(m.bytes()));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:ab:zz"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(""));
    }
}
