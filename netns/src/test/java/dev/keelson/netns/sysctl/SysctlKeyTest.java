package dev.keelson.netns.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Key spellings as sysctl(8) reads them; no kernel needed. */
class SysctlKeyTest {

    @ParameterizedTest
    @CsvSource({
        "net.ipv4.ip_forward,                      net/ipv4/ip_forward",
        "net/ipv4/ip_forward,                      net/ipv4/ip_forward",
        "net.ipv4.conf.eth0/100.rp_filter,         net/ipv4/conf/eth0.100/rp_filter",
        "net/ipv4/conf/eth0.100/rp_filter,         net/ipv4/conf/eth0.100/rp_filter",
        "net.ipv6.conf.all.forwarding,             net/ipv6/conf/all/forwarding",
        "net,                                      net",
    })
    void bothSpellingsNameTheSameFile(String key, String path) {
        if (path.equals("net")) {
            assertThrows(IllegalArgumentException.class, () -> SysctlKey.parse(key));
            return;
        }
        assertEquals(path, Sysctls.path(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {"kernel.hostname", "vm.swappiness", "/proc/sys/net/ipv4/ip_forward", "/net/ipv4/ip_forward",
        ".net.ipv4.ip_forward", "net/../kernel/hostname", "net/ipv4/../../kernel/hostname", "net.ipv4..ip_forward",
        "net/ipv4//ip_forward", "net/./ipv4/ip_forward", "net.ipv4.ip_forward.", "", "network.x", "net\0.ipv4"})
    void keysOutsideNetOrEscapingItAreRefused(String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SysctlKey.parse(key));
        assertTrue(e.getMessage().contains("sysctl"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"eth0.100", "v.1.2", "all", "default", "cni0"})
    void interfaceNamesWithDotsKeepThem(String ifname) {
        SysctlKey k = SysctlKey.ofInterface("ipv4", ifname, "rp_filter");
        assertEquals("net/ipv4/conf/" + ifname + "/rp_filter", k.path());
        assertEquals("net.ipv4.conf." + ifname.replace('.', '/') + ".rp_filter", k.dotted());
        assertEquals(k, SysctlKey.parse(k.dotted()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "a/b", ""})
    void badInterfaceNamesAreRefused(String ifname) {
        assertThrows(IllegalArgumentException.class, () -> SysctlKey.ofInterface("ipv4", ifname, "rp_filter"));
    }
}
