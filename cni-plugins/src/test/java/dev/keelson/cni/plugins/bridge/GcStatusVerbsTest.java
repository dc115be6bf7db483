package dev.keelson.cni.plugins.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.plugins.TwinSide;
import dev.keelson.cni.plugins.macvlan.MacvlanPlugin;
import dev.keelson.cni.plugins.portmap.PortmapPlugin;
import dev.keelson.cni.skel.About;
import dev.keelson.cni.skel.Invocation;
import dev.keelson.cni.skel.Plugin;
import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.Command;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GC and STATUS (CNI 1.1) of bridge, macvlan and portmap, against real state, and what the
 * reference v1.1.1 answers instead: it predates both verbs, so it fails them with code 4
 * "unknown CNI_COMMAND: GC" (code 3 "missing containerID" first, when no container ID is set, as
 * libcni 1.1 runtimes send these verbs).
 */
@KernelTest
class GcStatusVerbsTest {
    private static final String NET = "gc-net";
    private final TwinSide ours = new TwinSide("gcs", "ours", false, "bridge", NET, BridgePlugin::new, BridgePlugin.ABOUT);

    @AfterEach
    void cleanup() throws Exception {
        ours.host.run(() -> {
            dev.keelson.linux.nft.KeptContexts.releaseCurrentNetns();
            return null;
        });
        ours.close();
        Command.ok("rm", "-rf", ours.dataDir.toString());
    }

    private static String conf(String version, String extra) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"" + NET + "\",\"type\":\"bridge\",\"bridge\":\"gbr0\","
                + "\"isGateway\":true,\"ipMasq\":true,\"macspoofchk\":true" + extra
                + ",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"DATADIR\",\"ranges\":[[{\"subnet\":\"10.66.0.0/24\"}]]}}";
    }

    private static String valid(String... ids) {
        return ",\"cni.dev/valid-attachments\":[" + String.join(",",
                List.of(ids).stream().map(id -> "{\"containerID\":\"" + id + "\",\"ifname\":\"eth0\"}").toList()) + "]";
    }

    private Invocation verb(Plugin plugin, About about, String cmd, String conf) throws Exception {
        Map<String, String> env = Map.of("CNI_COMMAND", cmd, "CNI_PATH", "/usr/lib/cni");
        String c = conf.replace("DATADIR", ours.dataDir.toString());
        return ours.host.run(() -> Invocation.ours(plugin, about, env, c));
    }

    private String ruleset() {
        return Command.ok("ip", "netns", "exec", ours.host.name(), "nft", "list", "ruleset");
    }

    @Test
    void bridgeGcReleasesAddressesAndRulesOfInvalidAttachmentsOnly() throws Exception {
        NetNamespace p2 = ours.newPod();
        NetNamespace p3 = ours.newPod();
        assertEquals(0, ours.add(ours.pod(), "c1", conf("1.1.0", "")).exit());
        assertEquals(0, ours.add(p2, "c2", conf("1.1.0", "")).exit());
        assertEquals(0, ours.add(p3, "c3", conf("1.1.0", "")).exit());
        assertEquals(List.of("10.66.0.2", "10.66.0.3", "10.66.0.4"), ours.allocations());

        Invocation gc = verb(new BridgePlugin(), BridgePlugin.ABOUT, "GC", conf("1.1.0", valid("c1", "c3")));
        assertEquals(0, gc.exit(), gc.out());
        assertEquals("", gc.out());
        assertEquals(List.of("10.66.0.2", "10.66.0.4"), ours.allocations());
        String rs = ruleset();
        assertTrue(rs.contains("id=c1 if=eth0") && rs.contains("id=c3 if=eth0"), rs);
        assertFalse(rs.contains("id=c2 "), rs);
        assertFalse(rs.contains("10.66.0.3"), rs);

        Invocation all = verb(new BridgePlugin(), BridgePlugin.ABOUT, "GC", conf("1.1.0", valid()));
        assertEquals(0, all.exit(), all.out());
        assertEquals(List.of(), ours.allocations());
        assertFalse(ruleset().contains("id=c"), ruleset());
    }

    @Test
    void statusIs51WhenTheBridgeIsDownAnd50WhenTheNameIsNotABridge() throws Exception {
        assertEquals(0, ours.add(ours.pod(), "c1", conf("1.1.0", "")).exit());
        Ip.in(ours.host.name(), "link", "set", "gbr0", "down");
        Invocation down = verb(new BridgePlugin(), BridgePlugin.ABOUT, "STATUS", conf("1.1.0", ""));
        assertEquals(1, down.exit(), down.out());
        assertEquals(51, down.json().get("code").asInt(), down.out());
        assertEquals("bridge \"gbr0\" is down: the containers attached to it have no connectivity",
                down.json().get("msg").asText());
        Ip.in(ours.host.name(), "link", "set", "gbr0", "up");
        assertEquals(0, verb(new BridgePlugin(), BridgePlugin.ABOUT, "STATUS", conf("1.1.0", "")).exit());
        Ip.in(ours.host.name(), "link", "add", "gbr1", "type", "veth", "peer", "name", "gbr1p");
        Invocation notBridge = verb(new BridgePlugin(), BridgePlugin.ABOUT, "STATUS",
                conf("1.1.0", "").replace("\"bridge\":\"gbr0\"", "\"bridge\":\"gbr1\""));
        assertEquals(50, notBridge.json().get("code").asInt(), notBridge.out());
        assertTrue(notBridge.json().get("msg").asText().contains("\"gbr1\" exists but is not a bridge"), notBridge.out());
    }

    @Test
    void gcNeedsAConfigOfVersion110() throws Exception {
        Invocation old = verb(new BridgePlugin(), BridgePlugin.ABOUT, "GC", conf("1.0.0", valid()));
        assertEquals(1, old.exit());
        assertEquals(1, old.json().get("code").asInt());
    }

    @Test
    void statusIsReadyAndIsCode50WhenTheDataDirIsUnusable() throws Exception {
        Invocation ok = verb(new BridgePlugin(), BridgePlugin.ABOUT, "STATUS", conf("1.1.0", ""));
        assertEquals(0, ok.exit(), ok.out());
        Path file = Files.createTempFile("not-a-dir", "");
        try {
            String bad = conf("1.1.0", "").replace("DATADIR", file.resolve("sub").toString());
            for (Plugin p : List.of(new BridgePlugin(), new MacvlanPlugin())) {
                Invocation st = verb(p, BridgePlugin.ABOUT, "STATUS", bad.replace("\"type\":\"bridge\"",
                        p instanceof MacvlanPlugin ? "\"type\":\"macvlan\"" : "\"type\":\"bridge\""));
                assertEquals(1, st.exit(), st.out());
                assertEquals(50, st.json().get("code").asInt(), st.out());
                assertTrue(st.json().get("msg").asText().contains(file + " is not a directory"), st.out());
            }
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void portmapGcRemovesTheHostPortsOfContainersWithoutAValidAttachment() throws Exception {
        String pm = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + NET + "\",\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true},"
                + "\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":PORT,\"containerPort\":80,\"protocol\":\"tcp\"}]},"
                + "\"prevResult\":{\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":\"10.66.0.IP/24\"}]}}";
        for (int i = 1; i <= 3; i++) {
            Map<String, String> env = Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "pm" + i, "CNI_NETNS",
                    ours.pod().path().toString(), "CNI_IFNAME", "eth0", "CNI_PATH", "/usr/lib/cni");
            String c = pm.replace("PORT", String.valueOf(18080 + i)).replace("IP", String.valueOf(10 + i));
            Invocation add = ours.host.run(() -> Invocation.ours(new PortmapPlugin(), PortmapPlugin.ABOUT, env, c));
            assertEquals(0, add.exit(), add.out());
        }
        String gcConf = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + NET + "\",\"type\":\"portmap\"" + valid("pm2") + "}";
        Invocation gc = verb(new PortmapPlugin(), PortmapPlugin.ABOUT, "GC", gcConf);
        assertEquals(0, gc.exit(), gc.out());
        String rs = ruleset();
        assertTrue(rs.contains("dport 18082 dnat ip to 10.66.0.12:80"), rs);
        assertFalse(rs.contains("18081"), rs);
        assertFalse(rs.contains("18083"), rs);
        Invocation st = verb(new PortmapPlugin(), PortmapPlugin.ABOUT, "STATUS", gcConf);
        assertEquals(0, st.exit(), st.out());
    }

    @Test
    void theReferenceHasNeitherVerb() {
        String c = conf("1.1.0", valid()).replace("DATADIR", ours.dataDir.toString());
        for (String plugin : List.of("bridge", "macvlan", "portmap")) {
            for (String cmd : List.of("GC", "STATUS")) {
                Invocation noId = Invocation.reference(plugin, Map.of("CNI_COMMAND", cmd, "CNI_PATH", "/usr/lib/cni"), c);
                assertEquals(1, noId.exit());
                assertEquals(3, noId.json().get("code").asInt(), plugin + " " + cmd + ": " + noId.out());
                assertEquals("missing containerID", noId.json().get("msg").asText());
                Invocation full = Invocation.reference(plugin, Map.of("CNI_COMMAND", cmd, "CNI_PATH", "/usr/lib/cni",
                        "CNI_CONTAINERID", "x", "CNI_NETNS", "/run/netns/none", "CNI_IFNAME", "eth0"), c);
                assertEquals(4, full.json().get("code").asInt(), plugin + " " + cmd + ": " + full.out());
                assertEquals("unknown CNI_COMMAND: " + cmd, full.json().get("msg").asText());
            }
        }
    }
}
