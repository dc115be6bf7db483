package dev.keelson.cni.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.plugins.TwinSide;
import dev.keelson.cni.plugins.bridge.BridgePlugin;
import dev.keelson.cni.skel.Invocation;
import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "100 concurrent ADDs never double-allocate" (issue 4), at the plugin level: 100 pods get bridge
 * + host-local ADDs all at once — exec'd through the real client and the daemon, in-process from
 * 100 threads, and half by the reference bridge sharing the same data dir and bridge. Afterwards
 * every container has its own address, the allocation file for it names that container, and the
 * kernel shows it on the pod's eth0; DEL of all of them, also concurrent, leaves nothing behind.
 */
@KernelTest
class ConcurrentBridgeAddTest {
    private static final int PODS = 100;
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Path ROOT = Path.of("/run/keelson-concurrent-test");
    private static final Path SOCKET = ROOT.resolve("sock/cni.sock");
    private static final Path BIN = ROOT.resolve("bin");
    private static final String NETWORK = "cc-net";
    private static CniDaemon daemon;

    private NetNamespace host;
    private final List<NetNamespace> pods = new ArrayList<>();
    private Path dataDir;

    @BeforeAll
    static void startDaemon() throws IOException {
        Files.createDirectories(ROOT);
        Files.setPosixFilePermissions(ROOT, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path client = Path.of(System.getProperty("keelson.libexec"), "keelson-cni-client");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Installer.install(client, BIN, List.of("bridge"), Installer.fallbackCommand(java, System.getProperty("java.class.path")));
        daemon = CniDaemon.start(SOCKET);
    }

    @AfterAll
    static void stopDaemon() {
        daemon.close();
    }

    @BeforeEach
    void namespaces() throws IOException {
        int n = SEQ.incrementAndGet();
        host = NetNamespace.create("cc-host-" + n);
        for (int i = 0; i < PODS; i++) {
            pods.add(NetNamespace.create("cc-pod-" + n + "-" + i));
        }
        dataDir = Files.createTempDirectory("cc-ipam-");
    }

    @AfterEach
    void deleteNamespaces() {
        for (NetNamespace ns : pods) {
            ns.delete();
            ns.close();
        }
        host.delete();
        host.close();
    }

    private String conf() {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"" + NETWORK + "\",\"type\":\"bridge\",\"bridge\":\"ccbr0\",\"isGateway\":true,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + dataDir + "\",\"ranges\":[[{\"subnet\":\"10.70.0.0/24\"}]]}}";
    }

    private static String id(int i) {
        return "ctr" + i;
    }

    private Map<String, String> env(String cmd, int i) {
        Map<String, String> m = new HashMap<>();
        m.put("CNI_COMMAND", cmd);
        m.put("CNI_CONTAINERID", id(i));
        m.put("CNI_NETNS", pods.get(i).path().toString());
        m.put("CNI_IFNAME", "eth0");
        m.put("CNI_PATH", "/usr/lib/cni");
        m.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        m.put("KEELSON_CNI_SOCKET", SOCKET.toString());
        return m;
    }

    /** Through the installed client: a process in the host namespace, answered by the daemon. */
    private Invocation viaDaemon(String cmd, int i) {
        return Invocation.exec(List.of("ip", "netns", "exec", host.name(), BIN.resolve("bridge").toString()), env(cmd, i), conf());
    }

    private Invocation inProcess(String cmd, int i) {
        return host.run(() -> Invocation.ours(new BridgePlugin(), BridgePlugin.ABOUT, env(cmd, i), conf()));
    }

    private Invocation reference(String cmd, int i) {
        return Invocation.exec(List.of("ip", "netns", "exec", host.name(), "/usr/lib/cni/bridge"), env(cmd, i), conf());
    }

    /** Runs {@code call(i)} for every pod at once (all threads released together); results by pod. */
    private static List<Invocation> concurrently(java.util.function.IntFunction<Invocation> call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Invocation>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(PODS)) {
            for (int i = 0; i < PODS; i++) {
                int pod = i;
                futures.add(pool.submit((Callable<Invocation>) () -> {
                    go.await();
                    return call.apply(pod);
                }));
            }
            go.countDown();
        }
        List<Invocation> out = new ArrayList<>();
        for (Future<Invocation> f : futures) {
            out.add(f.get());
        }
        return out;
    }

    /** host-local's allocation files: address → file content. */
    private Map<String, String> allocations() throws IOException {
        Map<String, String> m = new TreeMap<>();
        Path net = dataDir.resolve(NETWORK);
        try (Stream<Path> s = Files.list(net)) {
            for (Path p : s.filter(p -> Character.isDigit(p.getFileName().toString().charAt(0))).toList()) {
                m.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private void addAllThenDelAll(IntPredicate referenceSide, java.util.function.BiFunction<String, Integer, Invocation> ours)
            throws Exception {
        List<Invocation> adds = concurrently(i -> referenceSide.test(i) ? reference("ADD", i) : ours.apply("ADD", i));
        Set<String> distinct = new HashSet<>();
        Map<String, String> files = allocations();
        for (int i = 0; i < PODS; i++) {
            Invocation r = adds.get(i);
            assertEquals(0, r.exit(), "pod " + i + ": " + r.out() + r.err());
            String cidr = r.json().get("ips").get(0).get("address").asText();
            String ip = cidr.substring(0, cidr.indexOf('/'));
            assertTrue(distinct.add(ip), "address " + ip + " handed out twice");
            // The reference writes "<id>\r\n<ifname>" (v1.1.1); the file must name this container.
            assertEquals(id(i) + "\r\neth0", files.get(ip), "allocation file of " + ip);
            assertEquals(List.of(cidr), TwinSide.addrs(pods.get(i).name(), "eth0"), "kernel address of pod " + i);
        }
        assertEquals(PODS, distinct.size());
        assertEquals(PODS, files.size(), files.keySet().toString());
        List<Invocation> dels = concurrently(i -> referenceSide.test(i) ? reference("DEL", i) : ours.apply("DEL", i));
        for (int i = 0; i < PODS; i++) {
            assertEquals(0, dels.get(i).exit(), "DEL pod " + i + ": " + dels.get(i).out());
            assertTrue(!TwinSide.linkNames(pods.get(i).name()).contains("eth0"), "eth0 left in pod " + i);
        }
        assertEquals(Map.of(), allocations());
        assertEquals(List.of(), TwinSide.linkNames(host.name()).stream().filter(n -> n.startsWith("veth")).toList(),
                "host veths left");
    }

    @Test
    void hundredConcurrentAddsThroughTheClientAndDaemonNeverDoubleAllocate() throws Exception {
        addAllThenDelAll(i -> false, this::viaDaemon);
    }

    @Test
    void hundredConcurrentAddsInProcessNeverDoubleAllocate() throws Exception {
        addAllThenDelAll(i -> false, this::inProcess);
    }

    /** The reference's host-local and ours lock the same file with flock(2): neither may slip past. */
    @Test
    void referenceAndOursSharingOneDataDirNeverDoubleAllocate() throws Exception {
        addAllThenDelAll(i -> i % 2 == 0, this::inProcess);
    }
}
