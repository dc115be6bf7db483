package dev.keelson.cni.plugins.loopback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.skel.Invocation;
import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keelson's loopback and the reference's, each in one of two twin namespaces made fresh for
 * every test: results compared as printed, lo's state read back with {@code ip -j link show lo}.
 */
@KernelTest
class LoopbackPluginTest {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private NetNamespace ref;
    private NetNamespace ours;

    @BeforeEach
    void twins() {
        int n = SEQ.incrementAndGet();
        ref = NetNamespace.create("lo-ref-" + n);
        ours = NetNamespace.create("lo-ours-" + n);
    }

    @AfterEach
    void cleanup() {
        ref.delete();
        ours.delete();
        ref.close();
        ours.close();
    }

    private static Map<String, String> env(String cmd, NetNamespace ns) {
        Map<String, String> m = new HashMap<>();
        m.put("CNI_COMMAND", cmd);
        m.put("CNI_CONTAINERID", "c0ffee");
        m.put("CNI_NETNS", ns.path().toString());
        m.put("CNI_IFNAME", "eth0");
        m.put("CNI_PATH", "/usr/lib/cni");
        return m;
    }

    private static String conf(String version) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"lo-net\",\"type\":\"loopback\"}";
    }

    private static Invocation runOurs(String cmd, NetNamespace ns, String conf) {
        return Invocation.ours(new LoopbackPlugin(), LoopbackPlugin.ABOUT, env(cmd, ns), conf);
    }

    private static boolean loUp(NetNamespace ns) {
        return Ip.flags(Ip.link(ns.name(), "lo")).contains("UP");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.4.0", "1.0.0"})
    void addSetsLoUpAndPrintsTheReferenceResult(String version) {
        assertFalse(loUp(ours));
        Invocation r = Invocation.reference("loopback", env("ADD", ref), conf(version));
        Invocation o = runOurs("ADD", ours, conf(version));
        assertEquals(0, r.exit(), r.out());
        assertEquals(0, o.exit(), o.out());
        assertTrue(loUp(ref));
        assertTrue(loUp(ours));
        // Same bytes but for the sandbox path, and (0.4.0) the ips' "version" the reference forgets.
        String expected = r.out().replace(ref.path().toString(), ours.path().toString());
        String actual = o.out().replaceAll("\n *\"version\": \"[46]\",", "");
        assertEquals(expected, actual);
        assertEquals("127.0.0.1/8", o.json().get("ips").get(0).get("address").asText());
        assertEquals("::1/128", o.json().get("ips").get(1).get("address").asText());
    }

    @Test
    void a040ResultCarriesIpVersionsWhichTheReferenceOmits() {
        Invocation o = runOurs("ADD", ours, conf("0.3.1"));
        assertEquals("4", o.json().get("ips").get(0).get("version").asText());
        assertEquals("6", o.json().get("ips").get(1).get("version").asText());
    }

    @Test
    void a020ConfigGetsIp4AndIp6Sections() {
        Invocation r = Invocation.reference("loopback", env("ADD", ref), "{\"name\":\"lo-net\",\"type\":\"loopback\"}");
        Invocation o = runOurs("ADD", ours, "{\"name\":\"lo-net\",\"type\":\"loopback\"}");
        assertEquals(r.out(), o.out()); // no cniVersion: the reference converts correctly to 0.1.0
        Invocation o2 = runOurs("ADD", ours, conf("0.2.0"));
        assertEquals("{\n    \"cniVersion\": \"0.2.0\",\n    \"ip4\": {\n        \"ip\": \"127.0.0.1/8\"\n    },\n"
                + "    \"ip6\": {\n        \"ip\": \"::1/128\"\n    },\n    \"dns\": {}\n}", o2.out());
    }

    @Test
    void a110ConfigIsServedWhereTheReferenceRefusesIt() {
        Invocation r = Invocation.reference("loopback", env("ADD", ref), conf("1.1.0"));
        Invocation o = runOurs("ADD", ours, conf("1.1.0"));
        assertEquals(1, r.exit());
        assertEquals(0, o.exit(), o.out());
        assertEquals("1.1.0", o.json().get("cniVersion").asText());
        assertTrue(loUp(ours));
    }

    @Test
    void aPrevResultIsPassedThroughAsTheReferenceDoes() {
        String conf = "{\"cniVersion\":\"0.4.0\",\"name\":\"lo-net\",\"type\":\"loopback\",\"prevResult\":"
                + "{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":\"10.0.0.2/24\"}]}}";
        Invocation r = Invocation.reference("loopback", env("ADD", ref), conf);
        Invocation o = runOurs("ADD", ours, conf);
        assertEquals(0, o.exit(), o.out());
        assertEquals(r.out(), o.out());
        assertTrue(loUp(ours));
    }

    @Test
    void checkPassesWhenUpAndFailsLikeTheReferenceWhenDown() {
        runOurs("ADD", ours, conf("1.0.0"));
        Invocation.reference("loopback", env("ADD", ref), conf("1.0.0"));
        assertEquals(0, runOurs("CHECK", ours, conf("1.0.0")).exit());
        assertEquals(0, Invocation.reference("loopback", env("CHECK", ref), conf("1.0.0")).exit());
        Ip.in(ours.name(), "link", "set", "lo", "down");
        Ip.in(ref.name(), "link", "set", "lo", "down");
        Invocation r = Invocation.reference("loopback", env("CHECK", ref), conf("1.0.0"));
        Invocation o = runOurs("CHECK", ours, conf("1.0.0"));
        assertEquals(1, r.exit());
        assertEquals(r.exit(), o.exit());
        assertEquals(r.errorWithoutVersion(), o.errorWithoutVersion());
    }

    @Test
    void delSetsLoDownAndIsIdempotent() {
        runOurs("ADD", ours, conf("1.0.0"));
        assertTrue(loUp(ours));
        Invocation d = runOurs("DEL", ours, conf("1.0.0"));
        assertEquals(0, d.exit(), d.out());
        assertEquals("", d.out());
        assertFalse(loUp(ours));
        assertEquals(0, runOurs("DEL", ours, conf("1.0.0")).exit());
        assertFalse(loUp(ours));
    }

    @Test
    void deletesAreIdempotentWhenNetnsIsGone() {
        Map<String, String> gone = env("DEL", ours);
        ours.delete();
        Invocation o = Invocation.ours(new LoopbackPlugin(), LoopbackPlugin.ABOUT, gone, conf("1.0.0"));
        Invocation r = Invocation.reference("loopback", gone, conf("1.0.0"));
        assertEquals(0, r.exit());
        assertEquals(0, o.exit(), o.out());
        assertEquals(r.out(), o.out());
        ours = NetNamespace.create(ours.name()); // for cleanup
    }

    @Test
    void theExecdMainGivesTheSameResultAsInProcess() {
        Invocation exec = Invocation.oursExec(Main.class, env("ADD", ours), conf("1.0.0"));
        Invocation in = runOurs("ADD", ours, conf("1.0.0"));
        assertEquals(0, exec.exit(), exec.out() + exec.err());
        assertEquals(in.out(), exec.out());
        Invocation version = Invocation.oursExec(Main.class, Map.of("CNI_COMMAND", "VERSION"), "");
        assertEquals(0, version.exit());
        assertTrue(version.out().startsWith("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":["), version.out());
    }
}
