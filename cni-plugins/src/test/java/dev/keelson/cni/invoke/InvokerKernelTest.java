package dev.keelson.cni.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.GoJson;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.cni.spec.Result;
import dev.keelson.cni.spec.ResultCodec;
import dev.keelson.cni.spec.SpecVersion;
import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.Command;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chains mixing in-process and exec'd plugins, run from a fresh "host" namespace into fresh pod
 * namespaces: bridge (Keelson's in-process, or the reference's exec'd) + the reference's
 * {@code tuning} (exec'd, applies a sysctl in the pod) + a recorder script (exec'd, logs what
 * it was given and passes prevResult on).
 */
@KernelTest
class InvokerKernelTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final String SYSCTL = "/proc/sys/net/ipv4/conf/eth0/arp_ignore";

    @TempDir
    Path tmp;
    private final List<NetNamespace> namespaces = new ArrayList<>();

    @AfterEach
    void cleanup() {
        for (NetNamespace ns : namespaces) {
            ns.delete();
            ns.close();
        }
    }

    private NetNamespace ns(String tag) {
        NetNamespace n = NetNamespace.create("inv-" + tag + "-" + SEQ.incrementAndGet());
        namespaces.add(n);
        return n;
    }

    /** One host namespace with its invoker, plugin dir and IPAM data dir. */
    private final class Host {
        final NetNamespace ns = ns("host");
        final Path dir;
        final Path bin;
        final Path log;
        final CniInvoker invoker;
        final NetworkList list;

        Host(String tag, boolean ourBridge) throws IOException {
            dir = Files.createDirectory(tmp.resolve(tag));
            bin = Files.createDirectory(dir.resolve("bin"));
            log = dir.resolve("log");
            Scripts.recorder(bin, "rec", log);
            invoker = CniInvoker.create(List.of(bin, Path.of("/usr/lib/cni")), dir.resolve("cache"), Duration.ofSeconds(30),
                    ourBridge ? PluginRunner.keelsonPlugins() : Map.of());
            String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"inv-net\",\"plugins\":["
                    + "{\"type\":\"bridge\",\"bridge\":\"cni0\",\"isGateway\":true,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
                    + dir.resolve("ipam") + "\",\"ranges\":[[{\"subnet\":\"10.22.0.0/24\"}]]}},"
                    + "{\"type\":\"tuning\",\"sysctl\":{\"net.ipv4.conf.eth0.arp_ignore\":\"1\"}},"
                    + "{\"type\":\"rec\"}]}";
            list = NetworkList.parse(conf.getBytes(StandardCharsets.UTF_8));
        }

        Result add(NetNamespace pod, String id) {
            return ns.run(() -> invoker.add(list, RuntimeConf.of(id, pod.path().toString(), "eth0")));
        }

        void del(NetNamespace pod, String id) {
            ns.run(() -> {
                invoker.del(list, RuntimeConf.of(id, pod.path().toString(), "eth0"));
                return null;
            });
        }

        void check(NetNamespace pod, String id) {
            ns.run(() -> {
                invoker.check(list, RuntimeConf.of(id, pod.path().toString(), "eth0"));
                return null;
            });
        }

        List<String> veths() {
            return Ip.links(ns.name()).stream().map(l -> (String) l.get("ifname")).filter(n -> n.startsWith("veth")).toList();
        }

        List<String> allocations() throws IOException {
            Path d = dir.resolve("ipam/inv-net");
            if (!Files.isDirectory(d)) {
                return List.of();
            }
            try (Stream<Path> s = Files.list(d)) {
                return s.map(p -> p.getFileName().toString()).filter(f -> Character.isDigit(f.charAt(0))).sorted().toList();
            }
        }

        JsonNode logged(String call) throws IOException {
            return M.readTree(Scripts.read(log, call));
        }
    }

    private static String sysctl(NetNamespace pod) {
        return Command.ok("ip", "netns", "exec", pod.name(), "cat", SYSCTL).strip();
    }

    @Test
    void inProcessBridgeThenExecdTuningAddCheckDel() throws IOException {
        Host h = new Host("ours", true);
        NetNamespace pod = ns("pod");
        // A new eth0 starts from the default (0), so a 1 afterwards is tuning's doing.
        assertEquals("0", Command.ok("ip", "netns", "exec", pod.name(), "cat", "/proc/sys/net/ipv4/conf/default/arp_ignore").strip());
        Result r = h.add(pod, "c1");

        // bridge's result went through tuning and the recorder unchanged: two interfaces, one address.
        assertEquals("10.22.0.2/24", r.ips().get(0).address().toString());
        assertEquals(List.of("cni0", h.veths().get(0), "eth0"), r.interfaces().stream().map(i -> i.name()).toList());
        assertEquals("1", sysctl(pod), "tuning (exec'd, second in the chain) applied its sysctl in the pod");
        assertTrue(Ip.exists(h.ns.name(), "cni0"), "the bridge is in the host namespace the invoker ran in");
        JsonNode recAdd = h.logged("000-ADD-c1");
        assertEquals(pod.path().toString(), recAdd.at("/prevResult/interfaces/2/sandbox").asText());
        assertEquals("inv-net", recAdd.get("name").asText());

        // The cache entry holds the final result; CHECK passes it to all three (bridge checks it for real).
        JsonNode cached = M.readTree(Files.readString(h.dir.resolve("cache/results/inv-net-c1-eth0")));
        assertEquals(M.readTree(GoJson.compact(ResultCodec.write(r, SpecVersion.V1_0_0))), cached.get("result"));
        assertEquals(pod.path().toString(), cached.get("netns").asText());
        h.check(pod, "c1");
        assertEquals("10.22.0.2/24", h.logged("001-CHECK-c1").at("/prevResult/ips/0/address").asText());

        // CHECK fails when the pod's state no longer matches: bridge's check sees eth0's address gone.
        Command.ok("ip", "-n", pod.name(), "addr", "flush", "dev", "eth0");
        CniException bad = assertThrows(CniException.class, () -> h.check(pod, "c1"));
        assertTrue(bad.msg().startsWith("plugin type=\"bridge\" name=\"inv-net\" failed (check): "), bad.msg());

        // DEL runs rec, tuning, bridge (reverse) with the cached result, then drops the entry.
        h.del(pod, "c1");
        assertEquals(List.of("000-ADD-c1", "001-CHECK-c1", "002-DEL-c1"), Scripts.calls(h.log), "bridge's failing CHECK stopped the chain");
        assertEquals(cached.get("result"), h.logged("002-DEL-c1").get("prevResult"));
        assertTrue(h.veths().isEmpty());
        assertFalse(Ip.exists(pod.name(), "eth0"));
        assertTrue(h.allocations().isEmpty(), "host-local released the address");
        assertFalse(Files.exists(h.dir.resolve("cache/results/inv-net-c1-eth0")));
    }

    @Test
    void sameChainWithTheReferenceBridgeExecdGivesTheSameResult() throws IOException {
        Host ours = new Host("ours", true);
        Host ref = new Host("ref", false);
        NetNamespace podOurs = ns("pod");
        NetNamespace podRef = ns("pod");
        Result a = ours.add(podOurs, "c1");
        Result b = ref.add(podRef, "c1");
        assertEquals(normalised(b, podRef), normalised(a, podOurs));
        assertEquals("1", sysctl(podRef));
        assertTrue(Ip.exists(ref.ns.name(), "cni0"), "the exec'd reference bridge ran in the invoker's thread namespace");
        ref.del(podRef, "c1");
        assertTrue(ref.veths().isEmpty());
        assertTrue(ref.allocations().isEmpty());
        assertEquals(ref.logged("000-ADD-c1").get("prevResult"), ref.logged("001-DEL-c1").get("prevResult"));
    }

    private static String normalised(Result r, NetNamespace pod) {
        return GoJson.compact(ResultCodec.write(r, SpecVersion.V1_0_0)).replace(pod.path().toString(), "POD")
                .replaceAll("veth[0-9a-f]{8}", "vethX").replaceAll("\"mac\":\"[0-9a-f:]{17}\"", "\"mac\":\"M\"");
    }

    @Test
    void gcDeletesTheStaleAttachmentsKernelState() throws IOException {
        Host h = new Host("gc", true);
        NetNamespace keep = ns("pod");
        NetNamespace stale = ns("pod");
        h.add(keep, "keep");
        h.add(stale, "stale");
        assertEquals(2, h.veths().size());
        assertEquals(List.of("10.22.0.2", "10.22.0.3"), h.allocations());
        h.ns.run(() -> {
            h.invoker.gc(h.list, List.of(new NetworkConfig.Attachment("keep", "eth0")));
            return null;
        });
        assertEquals(1, h.veths().size());
        assertFalse(Ip.exists(stale.name(), "eth0"));
        assertTrue(Ip.exists(keep.name(), "eth0"));
        assertEquals(List.of("10.22.0.2"), h.allocations());
        assertEquals(List.of("keep"), h.invoker.cachedAttachments("").stream().map(ResultCache.Entry::containerId).toList());
    }
}
