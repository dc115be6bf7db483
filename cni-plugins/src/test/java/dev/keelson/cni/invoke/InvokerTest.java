package dev.keelson.cni.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.cni.spec.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The invoker with script plugins (no kernel state): chaining, cache, errors, timeout, CHECK/STATUS/GC rules. */
class InvokerTest {
    private static final ObjectMapper M = new ObjectMapper();
    @TempDir
    Path tmp;
    Path bin;
    Path log;
    Path cacheDir;
    CniInvoker invoker;

    @BeforeEach
    void setUp() throws IOException {
        bin = Files.createDirectory(tmp.resolve("bin"));
        log = tmp.resolve("log");
        cacheDir = tmp.resolve("cache");
        Scripts.recorder(bin, "rec", log);
        invoker = CniInvoker.create(List.of(tmp.resolve("nonexistent"), bin), cacheDir, Duration.ofSeconds(10), Map.of());
    }

    private static NetworkList list(String version, String extra, String... types) {
        StringBuilder p = new StringBuilder();
        for (String t : types) {
            p.append(p.isEmpty() ? "" : ",").append("{\"type\":\"").append(t).append("\"}");
        }
        return NetworkList.parse(("{\"cniVersion\":\"" + version + "\",\"name\":\"net\"" + extra + ",\"plugins\":[" + p + "]}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode logged(String call) throws IOException {
        return M.readTree(Scripts.read(log, call));
    }

    @Test
    void addChainsPrevResultAndDelGetsTheCachedOneInReverse() throws IOException {
        NetworkList l = list("1.1.0", "", "rec", "rec");
        RuntimeConf rt = new RuntimeConf("c1", "/run/netns/x", "eth0",
                List.of(new RuntimeConf.Arg("K8S_POD_NAME", "p")), Map.of());
        Result r = invoker.add(l, rt);
        assertEquals("10.9.0.5/24", r.ips().get(0).address().toString());
        assertEquals(List.of("000-ADD-c1", "001-ADD-c1"), Scripts.calls(log));
        JsonNode first = logged("000-ADD-c1");
        assertFalse(first.has("prevResult"));
        assertEquals("net", first.get("name").asText());
        assertEquals("1.1.0", first.get("cniVersion").asText());
        // libcni passes the result as Go marshals it: "dns" is always there.
        JsonNode fixed = M.readTree(Scripts.FIXED_RESULT);
        ((com.fasterxml.jackson.databind.node.ObjectNode) fixed).putObject("dns");
        assertEquals(fixed, logged("001-ADD-c1").get("prevResult"));
        assertTrue(Files.exists(cacheDir.resolve("results/net-c1-eth0")));

        invoker.del(l, rt);
        assertEquals(List.of("000-ADD-c1", "001-ADD-c1", "002-DEL-c1", "003-DEL-c1"), Scripts.calls(log));
        assertEquals(fixed, logged("002-DEL-c1").get("prevResult"));
        assertFalse(Files.exists(cacheDir.resolve("results/net-c1-eth0")));
        // A second DEL has no cache entry, so no prevResult, and still succeeds.
        invoker.del(l, rt);
        assertFalse(logged("004-DEL-c1").has("prevResult"));
    }

    @Test
    void delBefore040GetsNoPrevResult() throws IOException {
        NetworkList l = list("0.3.1", "", "rec");
        RuntimeConf rt = RuntimeConf.of("c1", "/run/netns/x", "eth0");
        invoker.add(l, rt);
        invoker.del(l, rt);
        assertFalse(logged("001-DEL-c1").has("prevResult"));
    }

    @Test
    void cacheEntryHasLibcnisLayout() throws IOException {
        NetworkList l = list("1.1.0", "", "rec");
        RuntimeConf rt = new RuntimeConf("c1", "/run/netns/x", "eth0",
                List.of(new RuntimeConf.Arg("IgnoreUnknown", "1"), new RuntimeConf.Arg("K8S_POD_NAME", "p")),
                Map.of("portMappings", M.readTree("[{\"protocol\":\"tcp\",\"hostPort\":80,\"containerPort\":8080}]")));
        invoker.add(l, rt);
        Path f = cacheDir.resolve("results/net-c1-eth0");
        String b64 = Base64.getEncoder().encodeToString(l.bytes());
        // What libcni's json.Marshal of cachedInfo gives: struct field order, maps with sorted keys, no newline.
        assertEquals("{\"kind\":\"cniCacheV1\",\"containerId\":\"c1\",\"config\":\"" + b64 + "\",\"ifName\":\"eth0\","
                + "\"networkName\":\"net\",\"netns\":\"/run/netns/x\",\"cniArgs\":[[\"IgnoreUnknown\",\"1\"],[\"K8S_POD_NAME\",\"p\"]],"
                + "\"capabilityArgs\":{\"portMappings\":[{\"containerPort\":8080,\"hostPort\":80,\"protocol\":\"tcp\"}]},"
                + "\"result\":{\"cniVersion\":\"1.1.0\",\"dns\":{},\"interfaces\":[{\"name\":\"fake0\"}],"
                + "\"ips\":[{\"address\":\"10.9.0.5/24\",\"interface\":0}]}}", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent())));
        // Reading back gives the runtime conf (what GC's DEL will use) and the result.
        ResultCache.Entry e = invoker.cachedAttachments("c1").get(0);
        assertEquals(rt, e.runtimeConf());
        assertEquals("10.9.0.5/24", invoker.cachedResult(l, rt).orElseThrow().ips().get(0).address().toString());
    }

    @Test
    void readsAnEntryWrittenByLibcni() throws IOException {
        // Layout of a real libcni entry (omitted empty fields, no capabilityArgs), result in 0.4.0.
        String conf = "{\"cniVersion\":\"0.4.0\",\"name\":\"cbr0\",\"plugins\":[{\"type\":\"rec\"}]}";
        Files.createDirectories(cacheDir.resolve("results"));
        Files.writeString(cacheDir.resolve("results/cbr0-abc-eth0"), "{\"kind\":\"cniCacheV1\",\"containerId\":\"abc\",\"config\":\""
                + Base64.getEncoder().encodeToString(conf.getBytes(StandardCharsets.UTF_8)) + "\",\"ifName\":\"eth0\",\"networkName\":\"cbr0\","
                + "\"netns\":\"/var/run/netns/n1\",\"cniArgs\":[[\"K8S_POD_NAME\",\"web\"]],\"result\":{\"cniVersion\":\"0.4.0\","
                + "\"dns\":{},\"interfaces\":[{\"mac\":\"aa:bb:cc:dd:ee:ff\",\"name\":\"eth0\",\"sandbox\":\"/var/run/netns/n1\"}],"
                + "\"ips\":[{\"address\":\"10.1.0.2/24\",\"gateway\":\"10.1.0.1\",\"interface\":0,\"version\":\"4\"}]}}");
        Files.writeString(cacheDir.resolve("results/garbage"), "not json");
        List<ResultCache.Entry> all = invoker.cachedAttachments("");
        assertEquals(1, all.size());
        ResultCache.Entry e = all.get(0);
        assertEquals("cbr0", e.networkName());
        assertEquals(new RuntimeConf("abc", "/var/run/netns/n1", "eth0", List.of(new RuntimeConf.Arg("K8S_POD_NAME", "web")), Map.of()),
                e.runtimeConf());
        assertEquals(conf, new String(e.config(), StandardCharsets.UTF_8));
        NetworkList l = NetworkList.parse(e.config());
        invoker.del(l, e.runtimeConf());
        JsonNode del = logged("000-DEL-abc");
        assertEquals("10.1.0.2/24", del.at("/prevResult/ips/0/address").asText());
        assertEquals("0.4.0", del.at("/prevResult/cniVersion").asText());
        assertTrue(invoker.cachedAttachments("").isEmpty());
    }

    @Test
    void execdPluginErrorPassesThroughWithItsCode() {
        Scripts.plugin(bin, "fail", "cat >/dev/null\necho '{\"cniVersion\":\"1.0.0\",\"code\":107,\"msg\":\"boom\",\"details\":\"why\"}'\nexit 1\n");
        NetworkList l = list("1.0.0", "", "rec", "fail");
        RuntimeConf rt = RuntimeConf.of("c1", "/run/netns/x", "eth0");
        CniException e = assertThrows(CniException.class, () -> invoker.add(l, rt));
        assertEquals(107, e.code());
        assertEquals("plugin type=\"fail\" name=\"net\" failed (add): boom", e.msg());
        assertEquals("why", e.details());
        assertFalse(Files.exists(cacheDir.resolve("results/net-c1-eth0")), "a failed ADD is not cached");
    }

    @Test
    void stderrOnlyFailureAndMissingPluginAreReportedLikeLibcni() {
        Scripts.plugin(bin, "crash", "cat >/dev/null\necho 'segfault-ish' >&2\nexit 2\n");
        RuntimeConf rt = RuntimeConf.of("c1", "/run/netns/x", "eth0");
        CniException crash = assertThrows(CniException.class, () -> invoker.add(list("1.0.0", "", "crash"), rt));
        assertEquals(CniException.INTERNAL, crash.code());
        assertEquals("plugin type=\"crash\" name=\"net\" failed (add): netplugin failed: \"segfault-ish\\n\"", crash.msg());
        CniException missing = assertThrows(CniException.class, () -> invoker.add(list("1.0.0", "", "nope"), rt));
        assertTrue(missing.msg().endsWith("failed to find plugin \"nope\" in path [" + tmp.resolve("nonexistent") + " " + bin + "]"),
                missing.msg());
    }

    @Test
    void hungPluginIsKilledAtTheTimeout() throws Exception {
        Path pid = tmp.resolve("sleep.pid");
        Scripts.plugin(bin, "sleepy", "cat >/dev/null\nsleep 30 &\necho $! > " + pid + "\nwait\n");
        CniInvoker quick = CniInvoker.create(List.of(bin), cacheDir, Duration.ofMillis(500), Map.of());
        long t0 = System.nanoTime();
        CniException e = assertThrows(CniException.class,
                () -> quick.add(list("1.0.0", "", "sleepy"), RuntimeConf.of("c1", "/run/netns/x", "eth0")));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(CniException.TRY_AGAIN_LATER, e.code());
        assertTrue(e.msg().contains("did not finish ADD within 500 ms and was killed"), e.msg());
        assertTrue(ms >= 500 && ms < 5000, "took " + ms + " ms");
        long child = Long.parseLong(Files.readString(pid).strip());
        assertTrue(dead(child), "the plugin's child survived");
    }

    /** Gone or a zombie (killed, waiting for its new parent to reap it) within 3 s. */
    private static boolean dead(long pid) throws InterruptedException {
        for (int i = 0; i < 60; i++) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                    return true;
                }
            } catch (IOException e) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Test
    void checkNeeds040AndIsSkippedWhenDisabled() throws IOException {
        RuntimeConf rt = RuntimeConf.of("c1", "/run/netns/x", "eth0");
        CniException old = assertThrows(CniException.class, () -> invoker.check(list("0.3.1", "", "rec"), rt));
        assertEquals("configuration version \"0.3.1\" does not support the CHECK command", old.msg());
        invoker.check(list("1.0.0", ",\"disableCheck\":true", "rec"), rt);
        assertTrue(Scripts.calls(log).isEmpty());
        NetworkList l = list("1.0.0", "", "rec");
        invoker.add(l, rt);
        invoker.check(l, rt);
        assertEquals(M.readTree(Scripts.FIXED_RESULT).get("ips"), logged("001-CHECK-c1").at("/prevResult/ips"));
        assertEquals("1.0.0", logged("001-CHECK-c1").at("/prevResult/cniVersion").asText(), "cached result converted to the list's version");
    }

    @Test
    void statusAsksEveryPluginFrom110AndReportsTheFirstFailure() throws IOException {
        Scripts.plugin(bin, "down", "cat >/dev/null\necho '{\"code\":50,\"msg\":\"no ready\"}'\nexit 1\n");
        invoker.status(list("1.0.0", "", "rec", "down"));
        assertTrue(Scripts.calls(log).isEmpty(), "STATUS before 1.1.0 is a no-op");
        CniException e = assertThrows(CniException.class, () -> invoker.status(list("1.1.0", "", "rec", "down", "rec")));
        assertEquals(CniException.NOT_AVAILABLE, e.code());
        assertEquals(List.of("000-STATUS-"), Scripts.calls(log), "stops at the failing plugin");
        assertEquals("net", logged("000-STATUS-").get("name").asText());
    }

    @Test
    void gcDeletesStaleAttachmentsAndSendsValidOnes() throws IOException {
        NetworkList l = list("1.1.0", "", "rec");
        NetworkList other = NetworkList.parse("{\"cniVersion\":\"1.1.0\",\"name\":\"other\",\"plugins\":[{\"type\":\"rec\"}]}"
                .getBytes(StandardCharsets.UTF_8));
        invoker.add(l, RuntimeConf.of("keep", "/run/netns/a", "eth0"));
        invoker.add(l, new RuntimeConf("stale", "/run/netns/b", "eth0", List.of(new RuntimeConf.Arg("K8S_POD_NAME", "s")), Map.of()));
        invoker.add(other, RuntimeConf.of("x", "/run/netns/c", "eth0"));
        invoker.gc(l, List.of(new NetworkConfig.Attachment("keep", "eth0")));
        List<String> calls = Scripts.calls(log);
        assertEquals(List.of("000-ADD-keep", "001-ADD-stale", "002-ADD-x", "003-DEL-stale", "004-GC-"), calls);
        JsonNode del = logged("003-DEL-stale");
        assertEquals("10.9.0.5/24", del.at("/prevResult/ips/0/address").asText());
        assertEquals(M.readTree("[{\"containerID\":\"keep\",\"ifname\":\"eth0\"}]"), logged("004-GC-").get("cni.dev/valid-attachments"));
        assertEquals(List.of("net-keep-eth0", "other-x-eth0"),
                invoker.cachedAttachments("").stream().map(e -> e.file().getFileName().toString()).toList());
        invoker.gc(list("1.1.0", ",\"disableGC\":true", "rec"), List.of());
        assertEquals(5, Scripts.calls(log).size(), "disableGC does nothing");
    }

    @Test
    void gcBefore110OnlyDeletesStaleAttachments() throws IOException {
        NetworkList l = list("1.0.0", "", "rec");
        invoker.add(l, RuntimeConf.of("stale", "/run/netns/b", "eth0"));
        invoker.gc(l, List.of());
        assertEquals(List.of("000-ADD-stale", "001-DEL-stale"), Scripts.calls(log));
        assertNull(invoker.cachedResult(l, RuntimeConf.of("stale", "", "eth0")).orElse(null));
    }
}
