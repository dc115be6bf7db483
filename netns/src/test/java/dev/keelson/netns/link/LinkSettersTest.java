package dev.keelson.netns.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.NotFoundException;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every setter, read back through Links.get and `ip -j -d`. */
@KernelTest
class LinkSettersTest extends LinkFixture {

    @BeforeEach
    void pair() {
        links.add(Veth.named("v0").peer("v1"));
    }

    @Test
    void upAndDown() {
        links.setUp("v0");
        links.setUp("v1");
        assertTrue(links.get("v0").isUp());
        assertTrue(Ip.flags(Ip.link(A, "v0")).contains("UP"));
        links.setDown("v0");
        assertFalse(links.get("v0").isUp());
        assertFalse(Ip.flags(Ip.link(A, "v0")).contains("UP"));
    }

    @Test
    void mtu() {
        links.setMtu("v0", 9000);
        assertEquals(9000, links.get("v0").mtu());
        assertEquals(9000L, Ip.num(Ip.link(A, "v0"), "mtu"));
    }

    @Test
    void mac() {
        links.setMac("v0", MacAddress.parse("02:11:22:33:44:55"));
        assertEquals(MacAddress.parse("02:11:22:33:44:55"), links.get("v0").mac());
        assertEquals("02:11:22:33:44:55", Ip.link(A, "v0").get("address"));
    }

    @Test
    void renameKeepsTheIndex() {
        int index = links.get("v0").index();
        links.rename("v0", "renamed0");
        assertEquals(index, links.get("renamed0").index());
        assertTrue(links.find("v0").isEmpty());
        assertFalse(Ip.exists(A, "v0"));
        assertEquals((long) index, Ip.num(Ip.link(A, "renamed0"), "ifindex"));
    }

    @Test
    void aliasSetAndCleared() {
        links.setAlias("v0", "pod default/nginx");
        assertEquals("pod default/nginx", links.get("v0").alias());
        assertEquals("pod default/nginx", Ip.link(A, "v0").get("ifalias"));
        links.setAlias("v0", null);
        assertNull(links.get("v0").alias());
        assertNull(Ip.link(A, "v0").get("ifalias"));
    }

    @Test
    void txQueueLen() {
        links.setTxQueueLen("v0", 42);
        assertEquals(42, links.get("v0").txQueueLen());
        assertEquals(42L, Ip.num(Ip.link(A, "v0"), "txqlen"));
    }

    @Test
    void promiscOnAndOff() {
        links.setPromisc("v0", true);
        Link l = links.get("v0");
        assertTrue(l.isPromisc());
        assertEquals(1, l.promiscuity());
        assertTrue(Ip.flags(Ip.link(A, "v0")).contains("PROMISC"));
        assertEquals(1L, Ip.num(Ip.link(A, "v0"), "promiscuity"));
        links.setPromisc("v0", false);
        assertFalse(links.get("v0").isPromisc());
        assertEquals(0L, Ip.num(Ip.link(A, "v0"), "promiscuity"));
    }

    @Test
    void masterByNameAndByIndexAndNoMaster() {
        links.add(Bridge.named("br0"));
        int br = links.get("br0").index();
        links.setMaster("v0", "br0");
        links.setMaster("v1", br);
        assertEquals(br, links.get("v0").masterIndex());
        assertEquals(br, links.get("v1").masterIndex());
        assertEquals("br0", Ip.link(A, "v0").get("master"));
        assertEquals("br0", Ip.link(A, "v1").get("master"));
        links.noMaster("v0");
        assertEquals(0, links.get("v0").masterIndex());
        assertNull(Ip.link(A, "v0").get("master"));
        NotFoundException e = assertThrows(NotFoundException.class, () -> links.setMaster("v1", "nobridge"));
        assertTrue(e.getMessage().contains("no master \"nobridge\" for \"v1\""), e.getMessage());
    }

    @Test
    void moveToNamespaceByFd() {
        links.moveToNamespace("v1", nsB);
        assertFalse(Ip.exists(A, "v1"));
        assertTrue(Ip.exists(B, "v1"));
        assertEquals("veth", linksB.get("v1").kind());
        assertTrue(links.find("v1").isEmpty());
    }

    @Test
    void moveToNamespaceOfAPid() throws Exception {
        Process p = new ProcessBuilder("nsenter", "--net=" + nsB.path(), "sleep", "60").start();
        try {
            waitUntilIn(p, nsB.inode());
            links.moveToPid("v1", (int) p.pid());
            assertTrue(Ip.exists(B, "v1"));
            assertFalse(Ip.exists(A, "v1"));
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    private static void waitUntilIn(Process p, long netnsInode) throws Exception {
        java.nio.file.Path ns = java.nio.file.Path.of("/proc/" + p.pid() + "/ns/net");
        for (int i = 0; i < 500; i++) {
            try {
                if ((long) java.nio.file.Files.getAttribute(ns, "unix:ino") == netnsInode) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // the process is still starting
            }
            Thread.sleep(2);
        }
        throw new AssertionError("nsenter did not enter the namespace");
    }

    @Test
    void getByIndexEqualsGetByName() {
        Link byName = links.get("v0");
        assertEquals(byName, links.get(byName.index()));
        assertEquals(byName, links.find(byName.index()).orElseThrow());
    }

    @Test
    void listHasEveryLinkIpShows() {
        links.add(Bridge.named("br0"));
        Set<String> ours = links.list().stream().map(Link::name).collect(Collectors.toSet());
        Set<String> ip = Ip.links(A).stream().map(m -> (String) m.get("ifname")).collect(Collectors.toSet());
        assertEquals(Set.of("lo", "v0", "v1", "br0"), ours);
        assertEquals(ip, ours);
        for (Map<String, Object> m : Ip.links(A)) {
            Link l = links.get((String) m.get("ifname"));
            assertEquals(Ip.num(m, "ifindex"), l.index());
            assertEquals(Ip.num(m, "mtu"), l.mtu());
            assertEquals(m.get("operstate"), l.operState().name());
        }
    }

    @Test
    void deleteByNameByIndexAndIfExists() {
        links.add(Veth.named("w0").peer("w1"));
        links.delete("v0");
        assertFalse(Ip.exists(A, "v0"));
        assertFalse(Ip.exists(A, "v1"), "the peer goes with it");
        links.delete(links.get("w0").index());
        assertFalse(Ip.exists(A, "w0"));
        assertFalse(links.deleteIfExists("w0"));
        links.add(Bridge.named("br0"));
        assertTrue(links.deleteIfExists("br0"));
        assertEquals(List.of("lo"), links.list().stream().map(Link::name).toList());
    }
}
