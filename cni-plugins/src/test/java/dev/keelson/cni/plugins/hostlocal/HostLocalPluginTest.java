package dev.keelson.cni.plugins.hostlocal;

import static dev.keelson.cni.plugins.hostlocal.Twin.conf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.skel.Invocation;
import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.cni.spec.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the reference v1.1.1 cannot be compared on: GC and STATUS (spec 1.1.0), the exec'd
 * {@link Main} against the in-process skeleton, and the in-process API other plugins use.
 */
class HostLocalPluginTest {
    private static final String V4 = "\"subnet\":\"10.20.0.0/24\"";

    @TempDir
    Path tmp;
    Twin twin;

    @BeforeEach
    void setUp() {
        twin = new Twin(tmp);
    }

    private Invocation ours(String cmd, String id, String ifname, String conf) {
        return twin.ours(Twin.env(cmd, id, ifname, ""), conf);
    }

    private Set<String> addresses() {
        Set<String> out = new TreeSet<>(Twin.tree(twin.ourDir.resolve(Twin.NETWORK)).keySet());
        out.removeIf(n -> n.equals("lock") || n.startsWith("last_reserved_ip."));
        return out;
    }

    private static String gcConf(String valid) {
        return conf("1.1.0", V4).replace("\"type\":\"bridge\",", "\"type\":\"bridge\",\"cni.dev/valid-attachments\":[" + valid + "],");
    }

    @Test
    void gcReleasesWhatIsNotValidAndKeepsWhatIs() {
        String conf = conf("1.1.0", V4);
        assertEquals(0, ours("ADD", "a", "eth0", conf).exit());
        assertEquals(0, ours("ADD", "b", "eth0", conf).exit());
        assertEquals(0, ours("ADD", "c", "eth1", conf).exit());
        assertEquals(0, ours("ADD", "d", "eth0", conf).exit());
        assertEquals(Set.of("10.20.0.2", "10.20.0.3", "10.20.0.4", "10.20.0.5"), addresses());
        String valid = "{\"containerID\":\"a\",\"ifname\":\"eth0\"},{\"containerID\":\"c\",\"ifname\":\"eth1\"},"
                + "{\"containerID\":\"d\",\"ifname\":\"eth9\"}";
        Invocation gc = twin.ours(Map.of("CNI_COMMAND", "GC", "CNI_PATH", "/usr/lib/cni"), gcConf(valid));
        assertEquals(0, gc.exit(), gc.out());
        assertEquals("", gc.out());
        // b is not listed; d is listed with another interface, so its eth0 address goes too.
        assertEquals(Set.of("10.20.0.2", "10.20.0.4"), addresses());
        assertEquals("c\r\neth1", read("10.20.0.4"));
        Invocation all = twin.ours(Map.of("CNI_COMMAND", "GC", "CNI_PATH", "/usr/lib/cni"), gcConf(""));
        assertEquals(0, all.exit(), all.out());
        assertEquals(Set.of(), addresses());
    }

    @Test
    void gcAddressesLeftByTheReferenceToo() {
        String conf = conf("1.0.0", V4);
        twin.run("ADD", "ref-a", "", conf).sameOutput();
        twin.run("ADD", "ref-b", "", conf).sameOutput();
        // Point our GC at the reference's data directory: the on-disk layout is shared.
        String gc = gcConf("{\"containerID\":\"ref-b\",\"ifname\":\"eth0\"}").replace("@DIR@", twin.refDir.toString());
        Invocation r = Invocation.ours(new HostLocalPlugin(), HostLocalPlugin.ABOUT,
                Map.of("CNI_COMMAND", "GC", "CNI_PATH", "/usr/lib/cni"), gc);
        assertEquals(0, r.exit(), r.out());
        Set<String> left = new TreeSet<>(Twin.tree(twin.refDir.resolve(Twin.NETWORK)).keySet());
        assertEquals(Set.of("10.20.0.3", "last_reserved_ip.0", "lock"), left);
        var check = Invocation.reference("host-local", Twin.env("CHECK", "ref-a", "eth0", ""), conf.replace("@DIR@", twin.refDir.toString()));
        assertEquals(1, check.exit(), "the reference no longer finds ref-a: " + check.out());
    }

    @Test
    void gcNeedsAVersion110Config() {
        Invocation gc = twin.ours(Map.of("CNI_COMMAND", "GC", "CNI_PATH", "/usr/lib/cni"), conf("1.0.0", V4));
        assertEquals(1, gc.exit());
        assertEquals(1, gc.json().get("code").asInt());
    }

    @Test
    void statusIsReadyWhenTheDataDirectoryIsUsable() {
        Invocation st = twin.ours(Map.of("CNI_COMMAND", "STATUS", "CNI_PATH", "/usr/lib/cni"), conf("1.1.0", V4));
        assertEquals(0, st.exit(), st.out());
        assertEquals("", st.out());
    }

    @Test
    void statusIsCode50WhenTheDataDirectoryCannotBeCreated() throws Exception {
        Path file = tmp.resolve("plain-file");
        Files.writeString(file, "x");
        String conf = conf("1.1.0", V4).replace("@DIR@", file.resolve("data").toString());
        Invocation st = Invocation.ours(new HostLocalPlugin(), HostLocalPlugin.ABOUT,
                Map.of("CNI_COMMAND", "STATUS", "CNI_PATH", "/usr/lib/cni"), conf);
        assertEquals(1, st.exit());
        assertEquals(50, st.json().get("code").asInt());
        assertEquals("host-local data directory " + file.resolve("data") + " is not usable: " + file + " is not a directory",
                st.json().get("msg").asText());
        // ADD there fails too, which is what STATUS predicted.
        Invocation add = Invocation.ours(new HostLocalPlugin(), HostLocalPlugin.ABOUT, Twin.env("ADD", "a", "eth0", ""), conf);
        assertEquals(1, add.exit());
        assertEquals(5, add.json().get("code").asInt(), add.out());
    }

    @Test
    void statusReportsABadConfig() {
        Invocation st = twin.ours(Map.of("CNI_COMMAND", "STATUS", "CNI_PATH", "/usr/lib/cni"), conf("1.1.0", "\"routes\":[]"));
        assertEquals(1, st.exit());
        assertEquals("no IP ranges specified", st.json().get("msg").asText());
    }

    @Test
    void execdMainPrintsWhatTheInProcessRunPrints() {
        String conf = conf("0.4.0", "\"ranges\":[[{\"subnet\":\"10.21.0.0/30\"}],[{\"subnet\":\"fd00:21::/64\"}]]");
        Path execDir = tmp.resolve("exec");
        Map<String, String> env = Twin.env("ADD", "a", "eth0", "");
        Invocation in = twin.ours(env, conf);
        Invocation ex = Invocation.oursExec(Main.class, env, conf.replace("@DIR@", execDir.toString()));
        assertEquals(0, in.exit(), in.out());
        assertEquals(in.exit(), ex.exit(), ex.err());
        assertEquals(in.out(), ex.out());
        assertEquals(Twin.tree(twin.ourDir.resolve(Twin.NETWORK)), Twin.tree(execDir.resolve(Twin.NETWORK)));
        // An exhausted range: the same error JSON and exit code 1 from both paths.
        Map<String, String> envB = Twin.env("ADD", "b", "eth0", "");
        Invocation inB = twin.ours(envB, conf);
        Invocation exB = Invocation.oursExec(Main.class, envB, conf.replace("@DIR@", execDir.toString()));
        assertEquals(1, inB.exit());
        assertEquals(1, exB.exit(), exB.err());
        assertEquals(inB.out(), exB.out());
    }

    private Request request(Request.Command cmd, String id, String conf) {
        byte[] bytes = conf.replace("@DIR@", twin.ourDir.toString()).getBytes(StandardCharsets.UTF_8);
        return new Request(cmd, id, "", "eth0", "", List.of(), NetworkConfig.parse(bytes), bytes);
    }

    @Test
    void inProcessApiAllocatesReleasesAndVerifiesWithSpecTypes() {
        String conf = conf("1.0.0", "\"ranges\":[[{\"subnet\":\"10.22.0.0/24\"}],[{\"subnet\":\"fd00:22::/64\"}]],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]");
        Result r = HostLocalPlugin.allocate(request(Request.Command.ADD, "br-a", conf));
        assertNull(r.cniVersion());
        assertTrue(r.interfaces().isEmpty());
        assertEquals("10.22.0.2/24", r.ips().get(0).address());
        assertEquals("10.22.0.1", r.ips().get(0).gateway());
        assertNull(r.ips().get(0).interfaceIndex());
        assertEquals("fd00:22::2/64", r.ips().get(1).address());
        assertEquals("0.0.0.0/0", r.routes().get(0).dst());
        HostLocalPlugin.verify(request(Request.Command.CHECK, "br-a", conf));
        // The reference sees the in-process allocation in the shared layout.
        var refCheck = Invocation.reference("host-local", Twin.env("CHECK", "br-a", "eth0", ""), conf.replace("@DIR@", twin.ourDir.toString()));
        assertEquals(0, refCheck.exit(), refCheck.out());
        HostLocalPlugin.release(request(Request.Command.DEL, "br-a", conf));
        assertFalse(Files.exists(twin.ourDir.resolve("hlnet/10.22.0.2")));
        CniException e = assertThrows(CniException.class, () -> HostLocalPlugin.verify(request(Request.Command.CHECK, "br-a", conf)));
        assertEquals(999, e.code());
        assertEquals("host-local: Failed to find address added by container br-a", e.msg());
        HostLocalPlugin.release(request(Request.Command.DEL, "br-a", conf));
    }

    @Test
    void inProcessErrorsKeepTheAllocatorsCode() {
        CniException e = assertThrows(CniException.class,
                () -> HostLocalPlugin.allocate(request(Request.Command.ADD, "x", conf("1.0.0", "\"subnet\":\"10.0.0.0/31\""))));
        assertEquals(7, e.code());
        assertTrue(e.msg().startsWith("invalid range set 0"), e.msg());
    }

    private String read(String name) {
        try {
            return Files.readString(twin.ourDir.resolve(Twin.NETWORK).resolve(name));
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
