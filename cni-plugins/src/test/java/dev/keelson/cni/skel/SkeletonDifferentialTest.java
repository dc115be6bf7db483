package dev.keelson.cni.skel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.plugins.loopback.LoopbackPlugin;
import dev.keelson.cni.spec.Result;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input through the skeleton, differentially: the same environment and stdin go to the
 * reference {@code /usr/lib/cni/loopback} (exec'd) and to Keelson's loopback (in-process); exit
 * code, error code, message and details must agree, and the printed bytes too whenever Keelson
 * does not yet know the config's cniVersion. None of these cases reaches a namespace.
 */
class SkeletonDifferentialTest {
    private static final String CONF = "{\"cniVersion\":\"1.0.0\",\"name\":\"lo-net\",\"type\":\"loopback\"}";

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, String> full(String cmd, String... overrides) {
        Map<String, String> m = env("CNI_COMMAND", cmd, "CNI_CONTAINERID", "c0ffee", "CNI_NETNS", "/nonexistent/netns",
                "CNI_IFNAME", "eth0", "CNI_PATH", "/usr/lib/cni");
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                m.remove(overrides[i]);
            } else {
                m.put(overrides[i], overrides[i + 1]);
            }
        }
        return m;
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("missing container id", full("ADD", "CNI_CONTAINERID", null), CONF, 4),
                Arguments.of("container id starting with a dash", full("ADD", "CNI_CONTAINERID", "-abc"), CONF, 4),
                Arguments.of("container id with a space", full("ADD", "CNI_CONTAINERID", "a b"), CONF, 4),
                Arguments.of("container id with a slash", full("DEL", "CNI_CONTAINERID", "a/b"), CONF, 4),
                Arguments.of("16-byte interface name", full("ADD", "CNI_IFNAME", "abcdefghijklmnop"), CONF, 4),
                Arguments.of("15 bytes but 8 characters", full("ADD", "CNI_IFNAME", "ééééééé\u00e9"), CONF, 4),
                Arguments.of("interface name .", full("ADD", "CNI_IFNAME", "."), CONF, 4),
                Arguments.of("interface name ..", full("CHECK", "CNI_IFNAME", ".."), CONF, 4),
                Arguments.of("interface name with :", full("ADD", "CNI_IFNAME", "a:b"), CONF, 4),
                Arguments.of("interface name with /", full("ADD", "CNI_IFNAME", "a/b"), CONF, 4),
                Arguments.of("interface name with a tab", full("ADD", "CNI_IFNAME", "a\tb"), CONF, 4),
                Arguments.of("missing netns on ADD", full("ADD", "CNI_NETNS", null), CONF, 4),
                Arguments.of("missing ifname", full("ADD", "CNI_IFNAME", null), CONF, 4),
                Arguments.of("missing path", full("ADD", "CNI_PATH", null), CONF, 4),
                Arguments.of("ADD with nothing", env("CNI_COMMAND", "ADD"), CONF, 4),
                Arguments.of("DEL with nothing (netns optional)", env("CNI_COMMAND", "DEL"), CONF, 4),
                Arguments.of("CHECK with nothing", env("CNI_COMMAND", "CHECK"), CONF, 4),
                Arguments.of("malformed JSON", full("ADD"), "{\"cniVersion\":", 6),
                Arguments.of("empty stdin", full("ADD"), "", 6),
                Arguments.of("missing name", full("ADD"), "{\"cniVersion\":\"1.0.0\",\"type\":\"loopback\"}", 7),
                Arguments.of("name with HTML characters", full("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"x<y>&\"}", 7),
                Arguments.of("unknown cniVersion", full("ADD"), "{\"cniVersion\":\"9.9.9\",\"name\":\"n\"}", 1),
                Arguments.of("unknown cniVersion on DEL", full("DEL"), "{\"cniVersion\":\"0.5.0\",\"name\":\"n\"}", 1),
                Arguments.of("CHECK on 0.3.1", full("CHECK"), "{\"cniVersion\":\"0.3.1\",\"name\":\"n\"}", 1),
                Arguments.of("CHECK without version (0.1.0)", full("CHECK"), "{\"name\":\"n\"}", 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputIsAnsweredAsTheReferenceAnswersIt(String name, Map<String, String> env, String stdin, int code) throws Exception {
        Invocation ref = Invocation.reference("loopback", env, stdin);
        Invocation ours = Invocation.ours(new LoopbackPlugin(), LoopbackPlugin.ABOUT, env, stdin);
        assertEquals(1, ref.exit(), "reference: " + ref.out());
        assertEquals(ref.exit(), ours.exit(), ours.out());
        assertEquals(code, ref.json().get("code").asInt(), ref.out());
        // Deliberate: Keelson's version list also has 1.1.0.
        String oursText = ours.errorWithoutVersion().toString().replace(" \\\"1.0.0\\\" \\\"1.1.0\\\"]", " \\\"1.0.0\\\"]");
        assertEquals(ref.errorWithoutVersion().toString(), oursText);
        if (!ours.json().has("cniVersion")) {
            assertEquals(ref.out(), ours.out());
        } else {
            // Deliberate: Keelson's error carries the config's version, as the spec's error format has it.
            assertEquals(new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdin).get("cniVersion"), ours.json().get("cniVersion"));
        }
    }

    @Test
    void anAddIntoAMissingNetnsIsAnInternalErrorNamingThePath() {
        Map<String, String> env = full("ADD");
        Invocation ref = Invocation.reference("loopback", env, CONF);
        Invocation ours = Invocation.ours(new LoopbackPlugin(), LoopbackPlugin.ABOUT, env, CONF);
        assertEquals(1, ref.exit());
        assertEquals(1, ours.exit());
        assertEquals(ref.json().get("code"), ours.json().get("code"));
        // Deliberate: the reference says "failed to Statfs"; Keelson names the operation it did.
        assertEquals("failed to open netns \"/nonexistent/netns\": no such file or directory", ours.json().get("msg").asText());
    }

    @Test
    void delIsIdempotentWhenTheNetnsIsGoneOrEmpty() {
        for (Map<String, String> env : List.of(full("DEL"), full("DEL", "CNI_NETNS", null))) {
            Invocation ref = Invocation.reference("loopback", env, CONF);
            Invocation ours = Invocation.ours(new LoopbackPlugin(), LoopbackPlugin.ABOUT, env, CONF);
            assertEquals(0, ref.exit(), ref.out());
            assertEquals(0, ours.exit(), ours.out());
            assertEquals(ref.out(), ours.out());
            assertEquals("", ours.out());
        }
    }

    @Test
    void noCommandPrintsTheBannerOnStderrLikeTheReference() {
        Invocation ref = Invocation.reference("loopback", env(), "");
        Invocation ours = Invocation.ours(new LoopbackPlugin(), LoopbackPlugin.ABOUT, env("CNI_CONTAINERID", "x"), "");
        assertEquals(0, ref.exit());
        assertEquals(0, ours.exit());
        assertEquals("", ref.out());
        assertEquals("", ours.out());
        String shape = "CNI loopback plugin .+\nCNI protocol versions supported: [0-9., ]+\n";
        assertTrue(ref.err().matches(shape), ref.err());
        assertTrue(ours.err().matches(shape), ours.err());
        assertTrue(ours.err().endsWith("0.4.0, 1.0.0, 1.1.0\n"), ours.err());
    }

    @Test
    void versionListsTheReferenceVersionsPlus110() {
        Map<String, String> env = env("CNI_COMMAND", "VERSION");
        Invocation ref = Invocation.reference("loopback", env, "garbage");
        Invocation ours = Invocation.ours(new LoopbackPlugin(), LoopbackPlugin.ABOUT, env, "garbage");
        assertEquals(0, ours.exit());
        assertEquals(0, ref.exit());
        // Deliberate: Keelson also speaks 1.1.0 and says so; everything else is the reference's list.
        List<String> refVersions = new java.util.ArrayList<>();
        ref.json().get("supportedVersions").forEach(v -> refVersions.add(v.asText()));
        refVersions.add("1.1.0");
        List<String> ourVersions = new java.util.ArrayList<>();
        ours.json().get("supportedVersions").forEach(v -> ourVersions.add(v.asText()));
        assertEquals(refVersions, ourVersions);
        assertEquals("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.1.0\",\"0.2.0\",\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n",
                ours.out());
    }

    /** A plugin that records what it was called with. */
    private static class Recorder implements Plugin {
        final AtomicReference<String> called = new AtomicReference<>();

        @Override
        public Result add(Request r) {
            called.set("ADD");
            return Result.of(List.of(), List.of(new dev.keelson.cni.spec.IpConfig(null, "10.0.0.2/24", null)), List.of(), null);
        }

        @Override
        public void del(Request r) {
            called.set("DEL");
        }

        @Override
        public void check(Request r) {
            called.set("CHECK");
        }

        @Override
        public void status(Request r) {
            called.set("STATUS " + r.containerId() + r.ifName());
            throw new dev.keelson.cni.spec.CniException(dev.keelson.cni.spec.CniException.NOT_AVAILABLE, "no network yet");
        }

        @Override
        public void gc(Request r) {
            called.set("GC " + r.config().validAttachments().size());
        }
    }

    @Test
    void statusAndGcNeedOnlyCommandAndPathAnd110() {
        Recorder p = new Recorder();
        String conf110 = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"cni.dev/valid-attachments\":[{\"containerID\":\"a\",\"ifname\":\"eth0\"}]}";
        Invocation status = Invocation.ours(p, About.of("rec"), env("CNI_COMMAND", "STATUS", "CNI_PATH", "/x"), conf110);
        assertEquals(1, status.exit());
        assertEquals("STATUS ", p.called.get());
        assertEquals("{\n    \"cniVersion\": \"1.1.0\",\n    \"code\": 50,\n    \"msg\": \"no network yet\"\n}", status.out());
        Invocation gc = Invocation.ours(p, About.of("rec"), env("CNI_COMMAND", "GC", "CNI_PATH", "/x"), conf110);
        assertEquals(0, gc.exit(), gc.out());
        assertEquals("GC 1", p.called.get());
        Invocation old = Invocation.ours(p, About.of("rec"), env("CNI_COMMAND", "GC", "CNI_PATH", "/x"), CONF);
        assertEquals(1, old.exit());
        assertEquals("config version does not allow GC", old.json().get("msg").asText());
        Invocation noPath = Invocation.ours(p, About.of("rec"), env("CNI_COMMAND", "STATUS"), conf110);
        assertEquals("required env variables [CNI_PATH] missing", noPath.json().get("msg").asText());
    }

    @Test
    void unknownCommandsAreCode4AfterTheConfigIsRead() {
        Recorder p = new Recorder();
        Invocation r = Invocation.ours(p, About.of("rec"), env("CNI_COMMAND", "FOO"), CONF);
        assertEquals(1, r.exit());
        assertEquals(4, r.json().get("code").asInt());
        assertEquals("unknown CNI_COMMAND: FOO", r.json().get("msg").asText());
        assertEquals(null, p.called.get());
    }

    @Test
    void theResultIsPrintedForTheConfigVersionAndAPluginFailureIs999() {
        Recorder p = new Recorder();
        Map<String, String> e = full("ADD", "CNI_NETNS", "/nonexistent/x");
        Invocation r = Invocation.ours(p, About.of("rec"), e, "{\"cniVersion\":\"0.2.0\",\"name\":\"n\"}");
        assertEquals(0, r.exit(), r.out());
        assertEquals("{\n    \"cniVersion\": \"0.2.0\",\n    \"ip4\": {\n        \"ip\": \"10.0.0.2/24\"\n    },\n    \"dns\": {}\n}", r.out());
        Plugin boom = new Recorder() {
            @Override
            public Result add(Request req) {
                throw new IllegalStateException("bridge cni0 is not a bridge");
            }
        };
        Invocation f = Invocation.ours(boom, About.of("rec"), e, CONF);
        assertEquals(1, f.exit());
        assertEquals(999, f.json().get("code").asInt());
        assertEquals("bridge cni0 is not a bridge", f.json().get("msg").asText());
    }

    @Test
    void aPluginSupportingFewerVersionsRejectsTheOthers() {
        About only100 = new About("rec", "v0", List.of(dev.keelson.cni.spec.SpecVersion.V1_0_0));
        Invocation r = Invocation.ours(new Recorder(), only100, full("ADD"), "{\"cniVersion\":\"0.4.0\",\"name\":\"n\"}");
        assertEquals(1, r.json().get("code").asInt());
        assertEquals("config is \"0.4.0\", plugin supports [\"1.0.0\"]", r.json().get("details").asText());
    }

    @Test
    void addAndDelRefuseThePluginsOwnNamespace() {
        Recorder p = new Recorder();
        Invocation r = Invocation.ours(p, About.of("rec"), full("ADD", "CNI_NETNS", "/proc/self/ns/net"), CONF);
        assertEquals(8, r.json().get("code").asInt(), r.out());
        assertEquals(null, p.called.get());
        Invocation o = Invocation.ours(p, About.of("rec"), full("ADD", "CNI_NETNS", "/proc/self/ns/net", "CNI_NETNS_OVERRIDE", "1"), CONF);
        assertEquals(0, o.exit(), o.out());
    }
}
