package dev.keelson.cni.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.skel.Invocation;
import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.KernelTest;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client's JVM fallback (no daemon listening) with and without the AOT cache that
 * {@code keelson cni install} trains: same output, faster with the cache, and a cache that does
 * not fit (another class path, a corrupt or missing file) changes neither stdout nor the exit
 * code. The test's classes directories are packed into jars first, since CDS archives only jars.
 * Everything lives under /tmp, not the test's 64 MB /run: a cache is about 25 MB.
 */
@KernelTest
class FallbackAotCacheTest {
    private static final int RUNS = 9;
    private static Path root;
    private static Path cached;
    private static Path plain;
    private static String java;
    private static String classPath;
    private static NetNamespace host;
    private static final List<NetNamespace> PODS = new ArrayList<>();

    @BeforeAll
    static void install() throws IOException {
        root = Files.createTempDirectory("keelson-aot-test-");
        java = ProcessHandle.current().info().command().orElseThrow();
        classPath = jarsOnly(root.resolve("cp"));
        Path client = Path.of(System.getProperty("keelson.libexec"), "keelson-cni-client");
        cached = root.resolve("cached");
        plain = root.resolve("plain");
        Path cache = AotCache.create(java, classPath, cached);
        Installer.install(client, cached, List.of("loopback", "bridge"), Installer.fallbackCommand(java, classPath, cache));
        Installer.install(client, plain, List.of("loopback", "bridge"), Installer.fallbackCommand(java, classPath));
        host = NetNamespace.create("aot-host-" + ProcessHandle.current().pid());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        for (NetNamespace ns : PODS) {
            ns.delete();
            ns.close();
        }
        host.delete();
        host.close();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The test class path with every main classes directory packed into a jar (test classes left out). */
    private static String jarsOnly(Path dir) throws IOException {
        Files.createDirectories(dir);
        ToolProvider jar = ToolProvider.findFirst("jar").orElseThrow();
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (e.endsWith(".jar")) {
                out.add(p.toAbsolutePath().toString());
            } else if (Files.isDirectory(p) && !p.endsWith("test-classes")) {
                Path j = dir.resolve("classes-" + i++ + ".jar");
                StringWriter err = new StringWriter();
                int rc = jar.run(new PrintWriter(err), new PrintWriter(err), "--create", "--file", j.toString(), "-C", e, ".");
                assertEquals(0, rc, err.toString());
                out.add(j.toString());
            }
        }
        return String.join(File.pathSeparator, out);
    }

    private static NetNamespace newPod() {
        NetNamespace p = NetNamespace.create("aot-pod-" + ProcessHandle.current().pid() + "-" + PODS.size());
        PODS.add(p);
        return p;
    }

    private static Map<String, String> env(String cmd, String id, NetNamespace pod) {
        Map<String, String> m = new HashMap<>();
        m.put("CNI_COMMAND", cmd);
        m.put("CNI_CONTAINERID", id);
        m.put("CNI_NETNS", pod.path().toString());
        m.put("CNI_IFNAME", "eth0");
        m.put("CNI_PATH", "/usr/lib/cni");
        m.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        m.put("KEELSON_CNI_SOCKET", root.resolve("nobody-listens.sock").toString()); // ENOENT: the fallback
        return m;
    }

    private static final String LO = "{\"cniVersion\":\"1.0.0\",\"name\":\"lo-net\",\"type\":\"loopback\"}";

    private static String bridgeConf(String data) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"aot-net\",\"type\":\"bridge\",\"bridge\":\"aotbr0\",\"ipam\":{"
                + "\"type\":\"host-local\",\"dataDir\":\"" + root.resolve(data) + "\",\"ranges\":[[{\"subnet\":\"10.61.0.0/24\"}]]}}";
    }

    /** The installed client in {@code bin}, run from a process inside the test's host namespace. */
    private static Invocation client(Path bin, String plugin, Map<String, String> env, String stdin) {
        return Invocation.exec(List.of("ip", "netns", "exec", host.name(), bin.resolve(plugin).toString()), env, stdin);
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return (s[s.length / 2] + s[(s.length - 1) / 2]) / 2e6;
    }

    @Test
    void theFallbackGivesTheSameOutputWithAndWithoutTheCache() {
        NetNamespace loPod = newPod();
        long[][] lo = new long[2][RUNS];
        long[][] br = new long[2][RUNS];
        List<Path> bins = List.of(plain, cached);
        for (int i = 0; i < RUNS; i++) {
            for (int b = 0; b < 2; b++) { // interleaved, so drift in load hits both alike
                long t0 = System.nanoTime();
                Invocation l = client(bins.get(b), "loopback", env("ADD", "lo" + i, loPod), LO);
                lo[b][i] = System.nanoTime() - t0;
                assertEquals(0, l.exit(), l.out() + l.err());
                assertEquals("", l.err());
                NetNamespace pod = newPod();
                String data = b == 0 ? "ipam-plain" : "ipam-cached";
                t0 = System.nanoTime();
                Invocation r = client(bins.get(b), "bridge", env("ADD", "c" + i, pod), bridgeConf(data));
                br[b][i] = System.nanoTime() - t0;
                assertEquals(0, r.exit(), r.out() + r.err());
                assertEquals("", r.err());
                // Same address sequence in both data dirs: the cache changes nothing but time.
                assertTrue(r.out().contains("\"address\": \"10.61.0." + (i + 2) + "/24\""), r.out());
            }
        }
        System.out.printf("fallback JVM (no daemon), median of %d: loopback ADD %.1f ms without the AOT cache, %.1f ms with it;"
                + " bridge+host-local ADD %.1f ms without, %.1f ms with%n", RUNS, median(lo[0]), median(lo[1]), median(br[0]), median(br[1]));
        // No assertion on the times: on this shared 2-core machine other work swamps the
        // difference in some runs. That the cache is used is proven by AOTMode=on below.
    }

    @Test
    void theInstalledCacheFitsTheFallbackCommandLine() throws IOException {
        // AOTMode=on turns "cannot use the cache" into a failed start, so exit 0 proves it was used.
        List<String> argv = new ArrayList<>(Files.readAllLines(cached.resolve(Installer.FALLBACK_FILE)));
        assertTrue(argv.contains("-XX:AOTCache=" + cached.resolve(AotCache.FILE_NAME)), argv.toString());
        argv.add(1, "-XX:AOTMode=on");
        argv.add("loopback");
        Invocation v = Invocation.exec(argv, Map.of("CNI_COMMAND", "VERSION"), "");
        assertEquals(0, v.exit(), v.out() + v.err());
        assertTrue(v.out().startsWith("{\"cniVersion\":\"1.1.0\""), v.out());
        // The same check fails for a cache that is not one.
        Path garbage = root.resolve("not-a-cache.aot");
        Files.writeString(garbage, "garbage");
        List<String> other = new ArrayList<>(argv);
        other.set(other.indexOf("-XX:AOTCache=" + cached.resolve(AotCache.FILE_NAME)), "-XX:AOTCache=" + garbage);
        assertNotEquals(0, Invocation.exec(other, Map.of("CNI_COMMAND", "VERSION"), "").exit());
    }

    @Test
    void aCacheThatDoesNotFitLeavesStdoutAndExitCodeAlone() throws IOException {
        Path garbage = root.resolve("garbage.aot");
        Files.writeString(garbage, "not an AOT cache");
        // The cache trained for `cached`, used with copies of the jars elsewhere: another class path.
        Path copies = root.resolve("copies");
        Files.createDirectories(copies);
        List<String> copied = new ArrayList<>();
        for (String e : classPath.split(File.pathSeparator)) {
            Path c = copies.resolve(copied.size() + "-" + Path.of(e).getFileName());
            Files.copy(Path.of(e), c);
            copied.add(c.toString());
        }
        Path client = Path.of(System.getProperty("keelson.libexec"), "keelson-cni-client");
        NetNamespace pod = newPod();
        Invocation expectedLo = client(plain, "loopback", env("ADD", "x", pod), LO);
        Invocation expectedErr = client(plain, "bridge", env("ADD", "x", pod), "{\"cniVersion\":\"1.0.0\",\"type\":\"bridge\"}");
        assertEquals(7, expectedErr.json().get("code").asInt(), expectedErr.out());
        Map<String, List<String>> cases = Map.of(
                "corrupt", Installer.fallbackCommand(java, classPath, garbage),
                "missing", Installer.fallbackCommand(java, classPath, root.resolve("absent.aot")),
                "other class path", Installer.fallbackCommand(java, String.join(File.pathSeparator, copied),
                        cached.resolve(AotCache.FILE_NAME)));
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            Path bin = root.resolve("bin-" + c.getKey().replace(' ', '-'));
            Installer.install(client, bin, List.of("loopback", "bridge"), c.getValue());
            Invocation l = client(bin, "loopback", env("ADD", "x", pod), LO);
            assertEquals(0, l.exit(), c.getKey() + ": " + l.out() + l.err());
            assertEquals(expectedLo.out(), l.out(), c.getKey());
            Invocation e = client(bin, "bridge", env("ADD", "x", pod), "{\"cniVersion\":\"1.0.0\",\"type\":\"bridge\"}");
            assertEquals(1, e.exit(), c.getKey());
            assertEquals(expectedErr.out(), e.out(), c.getKey());
            if (!c.getKey().equals("other class path")) {
                // The JVM did complain, on stderr.
                assertTrue(l.err().contains("[aot]"), c.getKey() + ": " + l.err());
            }
        }
    }
}
