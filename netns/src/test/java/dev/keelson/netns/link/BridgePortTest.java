package dev.keelson.netns.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.NotSupportedException;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bridge ports: enslaving, and hairpin/isolated/learning/flood set and read back both ways. */
@KernelTest
class BridgePortTest extends LinkFixture {

    @Test
    void portOptionsRoundTrip() {
        links.add(Bridge.named("cni0").up());
        links.add(Veth.named("veth0").peer("eth0", nsB));
        links.setMaster("veth0", "cni0");
        Link port = links.get("veth0");
        assertEquals(links.get("cni0").index(), port.masterIndex());
        BridgePortData d = port.bridgePort();
        assertEquals(new BridgePortData(false, false, true, true, 0), d, "the kernel's defaults");

        links.setBridgePort("veth0", BridgePortOptions.NONE.hairpin(true).isolated(true).learning(false).flood(false));
        assertEquals(new BridgePortData(true, true, false, false, 0), links.get("veth0").bridgePort());
        Map<String, Object> ip = Ip.link(A, "veth0");
        assertEquals("cni0", ip.get("master"));
        Map<String, Object> slave = Ip.obj(ip, "linkinfo", "info_slave_data");
        assertEquals("bridge", Ip.obj(ip, "linkinfo").get("info_slave_kind"));
        assertEquals(true, slave.get("hairpin"));
        assertEquals(true, slave.get("isolated"));
        assertEquals(false, slave.get("learning"));
        assertEquals(false, slave.get("flood"));

        links.setBridgePort("veth0", BridgePortOptions.NONE.hairpin(false));
        slave = Ip.obj(Ip.link(A, "veth0"), "linkinfo", "info_slave_data");
        assertEquals(false, slave.get("hairpin"));
        assertEquals(true, slave.get("isolated"), "options left null are not changed");
        assertEquals(new BridgePortData(false, true, false, false, 0), links.get("veth0").bridgePort());
    }

    @Test
    void aLinkThatIsNoBridgePortHasNoPortDataAndRefusesPortOptions() {
        links.add(Veth.named("veth0").peer("veth1"));
        assertNull(links.get("veth0").bridgePort());
        NotSupportedException e = assertThrows(NotSupportedException.class,
                () -> links.setBridgePort("veth0", BridgePortOptions.NONE.hairpin(true)));
        assertTrue(e.getMessage().startsWith("RTM_NEWLINK(\"veth0\" bridge_slave hairpin on) failed: EOPNOTSUPP"),
                e.getMessage());
    }
}
