package dev.keelson.cni.ipam.hostlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostLocalTest {
    @TempDir
    Path tmp;

    private String conf(String ipam) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\","
                + "\"dataDir\":\"" + tmp + "\"," + ipam + "}}";
    }

    private static List<String> add(HostLocalConfig c, String id, String... cniArgsIps) throws Exception {
        List<InetAddress> req = new java.util.ArrayList<>();
        for (String ip : cniArgsIps) {
            req.add(InetAddress.getByName(ip));
        }
        return HostLocal.add(c, new Attachment(id, "eth0"), req).ips().stream().map(Allocation::cidr).toList();
    }

    private Path net() {
        return tmp.resolve("net1");
    }

    @Test
    void referenceAndOursShareOneDataDirWithoutDoubleAllocation() throws Exception {
        String conf = conf("\"subnet\":\"10.5.0.0/29\"");
        HostLocalConfig c = HostLocalConfig.parse(conf);
        assertEquals(List.of("10.5.0.2/29"), Reference.add("r1", conf).addresses());
        assertEquals(List.of("10.5.0.3/29"), add(c, "o1"), "continues after the reference's cursor");
        assertEquals(List.of("10.5.0.4/29"), Reference.add("r2", conf).addresses(), "reference continues after ours");
        assertEquals("o1\r\neth0", Files.readString(net().resolve("10.5.0.3")));

        HostLocal.del(c, new Attachment("r1", "eth0"));
        assertFalse(Files.exists(net().resolve("10.5.0.2")), "ours releases the reference's record");
        assertEquals(0, Reference.run("DEL", "o1", "eth0", "", conf).exit());
        assertFalse(Files.exists(net().resolve("10.5.0.3")), "the reference releases ours");
        // Round robin wraps: .5, .6, then the freed .2, .3; the reference's .4 is never handed out.
        assertEquals(List.of("10.5.0.5/29"), add(c, "o2"));
        assertEquals(List.of("10.5.0.6/29"), Reference.add("r3", conf).addresses());
        assertEquals(List.of("10.5.0.2/29"), add(c, "o3"));
        assertEquals(List.of("10.5.0.3/29"), add(c, "o4"));
        IpamException e = assertThrows(IpamException.class, () -> add(c, "o5"));
        assertEquals(Reference.add("r4", conf).errorMessage(), e.getMessage());
        assertEquals("failed to allocate for range 0: no IP addresses available in range set: 10.5.0.1-10.5.0.6", e.getMessage());
        assertEquals(IpamException.ALLOCATION_FAILED, e.code());
    }

    @Test
    void requestedAddressesAreHonouredOrRefusedLikeTheReference() throws Exception {
        String conf = conf("\"ranges\":[[{\"subnet\":\"10.6.0.0/24\"}],[{\"subnet\":\"fd00:6::/64\"}]]");
        HostLocalConfig c = HostLocalConfig.parse(conf);
        assertEquals(List.of("10.6.0.77/24", "fd00:6::2/64"), add(c, "a", "10.6.0.77"));
        String taken = assertThrows(IpamException.class, () -> add(c, "b", "10.6.0.77")).getMessage();
        assertEquals(Reference.run("ADD", "b", "eth0", "IP=10.6.0.77", conf).errorMessage(), taken);
        String gateway = assertThrows(IpamException.class, () -> add(c, "b", "10.6.0.1")).getMessage();
        assertEquals(Reference.run("ADD", "b", "eth0", "IP=10.6.0.1", conf).errorMessage(), gateway);
        String outside = assertThrows(IpamException.class, () -> add(c, "b", "192.168.9.9")).getMessage();
        assertEquals(Reference.run("ADD", "b", "eth0", "IP=192.168.9.9", conf).errorMessage(), outside);
        assertEquals(Map.of(), Map.copyOf(Reference.tree(net())).entrySet().stream()
                .filter(en -> en.getValue().contains("b\r\n")).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                "failed ADDs leave nothing reserved");

        HostLocalConfig runtime = HostLocalConfig.parse(conf.replace("\"type\":\"bridge\"",
                "\"type\":\"bridge\",\"runtimeConfig\":{\"ips\":[\"fd00:6::99/64\",\"10.6.0.99/24\"]}"));
        assertEquals(List.of("10.6.0.99/24", "fd00:6::99/64"), add(runtime, "d"));
    }

    @Test
    void failureInALaterSetRollsBackTheEarlierSets() throws Exception {
        HostLocalConfig c = HostLocalConfig.parse(conf("\"ranges\":[[{\"subnet\":\"fd00:7::/120\"}],[{\"subnet\":\"10.7.0.0/30\"}]]"));
        assertEquals(List.of("fd00:7::2/120", "10.7.0.2/30"), add(c, "a"));
        IpamException e = assertThrows(IpamException.class, () -> add(c, "b"));
        assertEquals("failed to allocate for range 1: no IP addresses available in range set: 10.7.0.1-10.7.0.2", e.getMessage());
        assertFalse(Files.exists(net().resolve("fd00:7::3")), "the IPv6 address reserved before the failure is released");
        assertEquals("fd00:7::3", Files.readString(net().resolve("last_reserved_ip.0")), "cursor moves, as in the reference");
    }

    @Test
    void releaseIsPerAttachmentAndIdempotent() throws Exception {
        HostLocalConfig c = HostLocalConfig.parse(conf("\"ranges\":[[{\"subnet\":\"10.8.0.0/24\"}],[{\"subnet\":\"fd00:8::/64\"}]]"));
        add(c, "a");
        HostLocal.add(c, new Attachment("a", "net1"), List.of());
        assertEquals(List.of(InetAddress.getByName("10.8.0.2"), InetAddress.getByName("fd00:8::2")),
                HostLocal.del(c, new Attachment("a", "eth0")).stream().sorted(Ips::compare0).toList());
        assertEquals(List.of(), HostLocal.del(c, new Attachment("a", "eth0")));
        assertTrue(Files.exists(net().resolve("10.8.0.3")), "the other interface keeps its address");
        HostLocal.check(c, new Attachment("a", "net1"));
        assertThrows(IpamException.class, () -> HostLocal.check(c, new Attachment("a", "eth0")));
    }

    @Test
    void gcReleasesEveryAllocationNotInTheValidAttachments() throws Exception {
        HostLocalConfig c = HostLocalConfig.parse(conf("\"subnet\":\"10.9.0.0/24\""));
        add(c, "keep");
        add(c, "gone");
        HostLocal.add(c, new Attachment("keep", "eth1"), List.of());
        Files.writeString(net().resolve("10.9.0.50"), "legacy", StandardCharsets.UTF_8); // pre-0.7 record
        Files.writeString(net().resolve("10.9.0.51"), "orphan", StandardCharsets.UTF_8);

        List<InetAddress> released = HostLocal.gc(c, List.of(new Attachment("keep", "eth0"), new Attachment("legacy", "eth0")));

        assertEquals(List.of("10.9.0.3", "10.9.0.4", "10.9.0.51"), released.stream().sorted(Ips::compare0).map(Ips::format).toList());
        assertEquals(List.of("10.9.0.2", "10.9.0.50", "last_reserved_ip.0", "lock"), List.copyOf(Reference.tree(net()).keySet()));
    }

    @Test
    void dnsComesFromResolvConf() throws Exception {
        Path rc = tmp.resolve("resolv.conf");
        Files.writeString(rc, "# c\nnameserver 10.0.0.53\nnameserver fd00::53\ndomain example.com\n; x\nsearch a.example b.example\noptions ndots:2 edns0\nsortlist 1.2.3.4\n");
        HostLocalConfig c = HostLocalConfig.parse(conf("\"subnet\":\"10.10.0.0/24\",\"resolvConf\":\"" + rc + "\""));
        Dns d = HostLocal.add(c, new Attachment("a", "eth0"), List.of()).dns();
        assertEquals(new Dns(List.of("10.0.0.53", "fd00::53"), "example.com", List.of("a.example", "b.example"),
                List.of("ndots:2", "edns0")), d);
    }
}
