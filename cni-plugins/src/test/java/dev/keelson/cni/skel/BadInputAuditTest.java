package dev.keelson.cni.skel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.daemon.Plugins;
import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input list of issue 4, one row per case and plugin, through the {@link Skeleton} run
 * on a thread inside a throwaway "host" namespace: each must exit 1 with the spec's code and a
 * message naming the problem. {@code DATADIR} and {@code POD} in a row are replaced by a fresh
 * host-local data dir and the pod's netns path.
 */
@KernelTest
class BadInputAuditTest {
    private static NetNamespace host;
    private static NetNamespace pod;
    private static Path data;

    @BeforeAll
    static void namespaces() throws IOException {
        long pid = ProcessHandle.current().pid();
        host = NetNamespace.create("audit-host-" + pid);
        pod = NetNamespace.create("audit-pod-" + pid);
        data = Files.createTempDirectory("audit-ipam-");
    }

    @AfterAll
    static void cleanUp() {
        pod.delete();
        pod.close();
        host.delete();
        host.close();
    }

    private static final String LO = "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"loopback\"}";

    private static String bridge(String fields, String range) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"audit-net\",\"type\":\"bridge\",\"bridge\":\"audit0\"" + fields
                + ",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"DATADIR\",\"ranges\":[" + range + "]}}";
    }

    private static final String BR = bridge("", "[{\"subnet\":\"10.80.0.0/24\"}]");
    private static final String MV = "{\"cniVersion\":\"1.0.0\",\"name\":\"mv\",\"type\":\"macvlan\",\"master\":\"nosuch0\","
            + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"DATADIR\",\"subnet\":\"10.81.0.0/24\"}}";

    private static Map<String, String> env(String... overrides) {
        Map<String, String> m = new HashMap<>(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "audit1", "CNI_NETNS", "POD",
                "CNI_IFNAME", "eth0", "CNI_PATH", "/usr/lib/cni"));
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                m.remove(overrides[i]);
            } else {
                m.put(overrides[i], overrides[i + 1]);
            }
        }
        return m;
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String[] p : new String[][] {{"loopback", LO}, {"bridge", BR}, {"macvlan", MV}}) {
            String plugin = p[0];
            String conf = p[1];
            b.add(Arguments.of(plugin, "malformed JSON", env(), "{\"cniVersion\":", 6, "error unmarshall network config"));
            b.add(Arguments.of(plugin, "missing name", env(), conf.replaceFirst("\"name\":\"[a-z-]+\",", ""), 7, "missing network name"));
            b.add(Arguments.of(plugin, "unknown cniVersion", env(), conf.replace("1.0.0", "9.9.9"), 1, "incompatible CNI versions"));
            b.add(Arguments.of(plugin, "missing CNI_CONTAINERID", env("CNI_CONTAINERID", null), conf, 4, "[CNI_CONTAINERID] missing"));
            b.add(Arguments.of(plugin, "missing CNI_NETNS on ADD", env("CNI_NETNS", null), conf, 4, "[CNI_NETNS] missing"));
            b.add(Arguments.of(plugin, "missing CNI_IFNAME", env("CNI_IFNAME", null), conf, 4, "[CNI_IFNAME] missing"));
            b.add(Arguments.of(plugin, "missing CNI_PATH", env("CNI_PATH", null), conf, 4, "[CNI_PATH] missing"));
            b.add(Arguments.of(plugin, "missing CNI_PATH on DEL", env("CNI_COMMAND", "DEL", "CNI_PATH", null), conf, 4, "[CNI_PATH] missing"));
            b.add(Arguments.of(plugin, "missing CNI_CONTAINERID on CHECK", env("CNI_COMMAND", "CHECK", "CNI_CONTAINERID", null), conf, 4,
                    "[CNI_CONTAINERID] missing"));
            b.add(Arguments.of(plugin, "bad container id", env("CNI_CONTAINERID", "-x/y"), conf, 4, "invalid characters in containerID"));
            b.add(Arguments.of(plugin, "16-byte ifname", env("CNI_IFNAME", "eth0123456789abc"), conf, 4, "interface name is too long"));
            b.add(Arguments.of(plugin, "ifname with /", env("CNI_IFNAME", "e/0"), conf, 4, "interface name contains / or :"));
            b.add(Arguments.of(plugin, "ifname with :", env("CNI_IFNAME", "e:0"), conf, 4, "interface name contains / or :"));
            b.add(Arguments.of(plugin, "ifname .", env("CNI_IFNAME", "."), conf, 4, "interface name is . or .."));
            b.add(Arguments.of(plugin, "missing netns", env("CNI_NETNS", "/run/netns/audit-absent"), conf, 999,
                    "/run/netns/audit-absent"));
            b.add(Arguments.of(plugin, "unknown prevResult version", env("CNI_COMMAND", "CHECK"),
                    conf.substring(0, conf.length() - 1) + ",\"prevResult\":{\"cniVersion\":\"7.0.0\"}}", 1, "\"7.0.0\""));
        }
        b.add(Arguments.of("macvlan", "unknown master", env(), MV, 999, "nosuch0"));
        b.add(Arguments.of("bridge", "overlapping ranges", env(),
                bridge("", "[{\"subnet\":\"10.82.0.0/24\"}],[{\"subnet\":\"10.82.0.128/25\"}]"), 7, "overlap"));
        b.add(Arguments.of("bridge", "/32 subnet", env(), bridge("", "[{\"subnet\":\"10.83.0.1/32\"}]"), 7, "10.83.0.1/32"));
        b.add(Arguments.of("bridge", "/31 subnet", env(), bridge("", "[{\"subnet\":\"10.83.0.0/31\"}]"), 7, "10.83.0.0/31"));
        b.add(Arguments.of("bridge", "hairpinMode with promiscMode", env(), bridge(",\"hairpinMode\":true,\"promiscMode\":true",
                "[{\"subnet\":\"10.84.0.0/24\"}]"), 999, "hairpin mode and promiscuous mode"));
        return b.build();
    }

    private static Invocation run(String plugin, Map<String, String> env, String conf) {
        Map<String, String> e = new HashMap<>(env);
        e.replaceAll((k, v) -> v.replace("POD", pod.path().toString()));
        String c = conf.replace("DATADIR", data.toString());
        Plugins.Entry entry = Plugins.find(plugin).orElseThrow();
        return host.run(() -> Invocation.ours(entry.plugin(), entry.about(), e, c));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void badInputIsAnsweredWithTheSpecCodeAndANamedProblem(String plugin, String name, Map<String, String> env, String conf,
                                                          int code, String named) {
        Invocation r = run(plugin, env, conf);
        assertEquals(1, r.exit(), r.out());
        assertEquals(code, r.json().get("code").asInt(), r.out());
        String text = r.json().path("msg").asText() + "; " + r.json().path("details").asText();
        assertTrue(text.contains(named), "message should name " + named + ": " + r.out());
    }

    @Test
    void anExhaustedRangeIsNamedAndLeavesNothingBehind() {
        String conf = bridge("", "[{\"subnet\":\"10.85.0.0/30\"}]"); // one address: .2 (.1 is the gateway)
        Invocation first = run("bridge", env("CNI_CONTAINERID", "full1"), conf);
        assertEquals(0, first.exit(), first.out());
        Invocation second = run("bridge", env("CNI_CONTAINERID", "full2", "CNI_IFNAME", "eth1"), conf);
        assertEquals(1, second.exit(), second.out());
        assertEquals(999, second.json().get("code").asInt(), second.out());
        assertTrue(second.json().get("msg").asText().contains("no IP addresses available in range set: 10.85.0.1-10.85.0.2"),
                second.out());
        assertEquals(0, run("bridge", env("CNI_COMMAND", "DEL", "CNI_CONTAINERID", "full1"), conf).exit());
    }
}
