package dev.keelson.node;

import static dev.keelson.node.AgentFixture.MAPPER;
import static dev.keelson.node.AgentFixture.condition;
import static dev.keelson.node.AgentFixture.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.Resource;
import dev.keelson.node.volume.Tmpfs;
import dev.keelson.testing.KernelTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes, env and probes end to end: a real API server, Keelson's CRI runtime with runc and the
 * busybox image, and the agent. What containers see is read back from inside them with CRI
 * ExecSync; what the agent reports is read back from the API (pod status, events).
 */
@KernelTest
class VolumesEnvProbesTest {
    @TempDir
    static Path dir;
    static AgentFixture node;

    @BeforeAll
    static void start() throws Exception {
        node = AgentFixture.start(dir, AgentFixture.Setup.of("volprobe-node", 78)
                .withTimings(AgentFixture.TIMINGS.withSync(Duration.ofSeconds(2))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void configMapAndSecretReachFilesAndEnvAndUpdatesSwapAtomically() throws Exception {
        ObjectNode cm = MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", "app-config").put("namespace", "default");
        cm.putObject("data").put("greeting", "hello").put("color", "blue");
        node.client.create(Resource.CONFIGMAPS, "default", cm);
        ObjectNode secret = MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Secret");
        secret.putObject("metadata").put("name", "app-secret").put("namespace", "default");
        secret.putObject("data").put("password", b64("s3cret"));
        node.client.create(Resource.SECRETS, "default", secret);

        ObjectNode pod = node.pod("cfg", "sleep 3600");
        ObjectNode spec = (ObjectNode) pod.path("spec");
        ArrayNode vols = spec.putArray("volumes");
        vols.addObject().put("name", "cfg").putObject("configMap").put("name", "app-config");
        ObjectNode sec = vols.addObject().put("name", "sec").putObject("secret").put("secretName", "app-secret");
        sec.putArray("items").addObject().put("key", "password").put("path", "password");
        sec.withArray("items").addObject().put("key", "password").put("path", "nested/pw").put("mode", 0440);
        ObjectNode dapi = vols.addObject().put("name", "info").putObject("downwardAPI");
        dapi.putArray("items").addObject().put("path", "labels").putObject("fieldRef").put("fieldPath", "metadata.labels");
        dapi.withArray("items").addObject().put("path", "mem").putObject("resourceFieldRef").put("containerName", "c")
                .put("resource", "limits.memory").put("divisor", "1Mi");
        ObjectNode c = (ObjectNode) spec.path("containers").path(0);
        c.putObject("resources").putObject("limits").put("memory", "64Mi").put("cpu", "250m");
        ArrayNode mounts = c.putArray("volumeMounts");
        mounts.addObject().put("name", "cfg").put("mountPath", "/etc/cfg");
        mounts.addObject().put("name", "sec").put("mountPath", "/etc/sec");
        mounts.addObject().put("name", "info").put("mountPath", "/etc/info");
        mounts.addObject().put("name", "cfg").put("mountPath", "/etc/color").put("subPath", "color");
        ArrayNode env = c.putArray("env");
        env.addObject().put("name", "GREETING").putObject("valueFrom").putObject("configMapKeyRef")
                .put("name", "app-config").put("key", "greeting");
        env.addObject().put("name", "PASSWORD").putObject("valueFrom").putObject("secretKeyRef")
                .put("name", "app-secret").put("key", "password");
        env.addObject().put("name", "ABSENT").putObject("valueFrom").putObject("secretKeyRef")
                .put("name", "app-secret").put("key", "nope").put("optional", true);
        env.addObject().put("name", "CPU_MILLIS").putObject("valueFrom").putObject("resourceFieldRef")
                .put("resource", "limits.cpu").put("divisor", "1m");
        env.addObject().put("name", "MY_IP").putObject("valueFrom").putObject("fieldRef").put("fieldPath", "status.podIP");
        env.addObject().put("name", "BOTH").put("value", "$(GREETING)-$(CFG_color)");
        c.putArray("envFrom").addObject().put("prefix", "CFG_").putObject("configMapRef").put("name", "app-config");
        String uid = node.client.create(Resource.PODS, "default", pod).path("metadata").path("uid").asText();
        JsonNode ran = node.awaitPod("cfg running", "cfg", p -> running(p, "c"));

        assertEquals("hello", node.exec("cfg", "c", "cat", "/etc/cfg/greeting"));
        assertEquals("s3cret", node.exec("cfg", "c", "cat", "/etc/sec/password"));
        assertEquals("400", node.exec("cfg", "c", "stat", "-L", "-c", "%a", "/etc/sec/password").strip(), "secret files are 0400 unless the pod asks otherwise");
        assertEquals("440", node.exec("cfg", "c", "stat", "-L", "-c", "%a", "/etc/sec/nested/pw").strip(), "an item's own mode");
        assertEquals("644", node.exec("cfg", "c", "stat", "-L", "-c", "%a", "/etc/cfg/greeting").strip());
        assertEquals("blue", node.exec("cfg", "c", "cat", "/etc/color"), "subPath mounts one key");
        assertEquals("app=\"cfg\"", node.exec("cfg", "c", "cat", "/etc/info/labels"));
        assertEquals("64", node.exec("cfg", "c", "cat", "/etc/info/mem"));
        assertTrue(node.exec("cfg", "c", "grep", " /etc/cfg ", "/proc/mounts").contains(" ro,"), "configMap mounts are read-only");
        String envOut = node.exec("cfg", "c", "env");
        for (String kv : new String[] {"GREETING=hello", "PASSWORD=s3cret", "CFG_greeting=hello", "CFG_color=blue",
                "CPU_MILLIS=250", "BOTH=hello-blue", "MY_IP=" + ran.path("status").path("podIP").asText()}) {
            assertTrue(envOut.lines().anyMatch(kv::equals), kv + " in\n" + envOut);
        }
        assertFalse(envOut.contains("ABSENT="), "a missing optional key leaves the variable unset");
        Path secretDir = dir.resolve("root/pods/" + uid + "/volumes/kubernetes.io~secret/sec").toAbsolutePath();
        assertTrue(Tmpfs.mountPoints().contains(secretDir), "the secret volume is a tmpfs of its own");

        ObjectNode cur = node.client.get(Resource.CONFIGMAPS, "default", "app-config");
        ((ObjectNode) cur.path("data")).put("greeting", "bonjour");
        node.client.update(Resource.CONFIGMAPS, cur, null);
        AgentFixture.await("configMap update inside the container", () -> MAPPER.createObjectNode()
                .put("v", node.exec("cfg", "c", "cat", "/etc/cfg/greeting")), v -> v.path("v").asText().equals("bonjour"));
        assertTrue(node.exec("cfg", "c", "readlink", "/etc/cfg/..data").startsWith("..20"), "..data points at a timestamped dir");

        node.deleteAndWait("cfg");
        Path podDir = dir.resolve("root/pods/" + uid).toAbsolutePath();
        assertFalse(Files.exists(podDir), "pod directory removed");
        assertTrue(Tmpfs.mountPoints().stream().noneMatch(p -> p.startsWith(podDir)), "no mount left behind");
    }

    @Test
    void aMissingConfigMapForEnvIsACreateContainerConfigErrorUntilItAppears() throws Exception {
        ObjectNode pod = node.pod("needs-cm", "sleep 3600");
        ObjectNode c = (ObjectNode) pod.path("spec").path("containers").path(0);
        c.putArray("env").addObject().put("name", "X").putObject("valueFrom").putObject("configMapKeyRef")
                .put("name", "late-config").put("key", "x");
        node.client.create(Resource.PODS, "default", pod);
        JsonNode waiting = node.awaitPod("CreateContainerConfigError", "needs-cm", p -> p.path("status").path("containerStatuses")
                .path(0).path("state").path("waiting").path("reason").asText().equals("CreateContainerConfigError"));
        assertEquals("configmap \"late-config\" not found",
                waiting.path("status").path("containerStatuses").path(0).path("state").path("waiting").path("message").asText());
        assertTrue(events("needs-cm").contains("Error: configmap \"late-config\" not found"), events("needs-cm"));
        ObjectNode cm = MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", "late-config").put("namespace", "default");
        cm.putObject("data").put("x", "42");
        node.client.create(Resource.CONFIGMAPS, "default", cm);
        node.awaitPod("started once the configMap exists", "needs-cm", p -> running(p, "c"));
        assertTrue(node.exec("needs-cm", "c", "env").lines().anyMatch("X=42"::equals));
        node.deleteAndWait("needs-cm");
    }

    @Test
    void emptyDirIsSharedBetweenContainersAndMemoryMediumIsTmpfs() throws Exception {
        ObjectNode pod = node.pod("shared", "echo hi-from-a > /data/x; sleep 3600");
        ObjectNode spec = (ObjectNode) pod.path("spec");
        ArrayNode vols = spec.putArray("volumes");
        vols.addObject().put("name", "data").putObject("emptyDir");
        vols.addObject().put("name", "mem").putObject("emptyDir").put("medium", "Memory").put("sizeLimit", "8Mi");
        ObjectNode a = (ObjectNode) spec.path("containers").path(0);
        a.putArray("volumeMounts").addObject().put("name", "data").put("mountPath", "/data");
        ObjectNode b = AgentFixture.container(spec.withArray("containers").addObject(), "b", "sleep 3600");
        ArrayNode bm = b.putArray("volumeMounts");
        bm.addObject().put("name", "data").put("mountPath", "/shared");
        bm.addObject().put("name", "mem").put("mountPath", "/mem");
        node.client.create(Resource.PODS, "default", pod);
        node.awaitPod("both running", "shared", p -> running(p, "c") && running(p, "b"));
        AgentFixture.await("file written by c seen by b", () -> MAPPER.createObjectNode()
                .put("v", node.exec("shared", "b", "cat", "/shared/x")), v -> v.path("v").asText().equals("hi-from-a\n"));
        String mem = node.exec("shared", "b", "grep", " /mem ", "/proc/mounts");
        assertTrue(mem.startsWith("tmpfs /mem tmpfs") && mem.contains("size=8192k"), mem);
        node.deleteAndWait("shared");
    }

    @Test
    void readinessProbeFlipsReadyWhenTheFileAppears() throws Exception {
        ObjectNode pod = node.pod("readiness", "mkdir -p /tmp; sleep 3600");
        ObjectNode probe = ((ObjectNode) pod.path("spec").path("containers").path(0)).putObject("readinessProbe")
                .put("periodSeconds", 1).put("failureThreshold", 1);
        probe.putObject("exec").putArray("command").add("/bin/busybox").add("test").add("-f").add("/tmp/ready");
        node.client.create(Resource.PODS, "default", pod);
        JsonNode notReady = node.awaitPod("running", "readiness", p -> running(p, "c"));
        Thread.sleep(1500); // a couple of failing probe periods
        notReady = node.get("readiness");
        assertEquals("False", condition(notReady, "Ready").path("status").asText(), notReady.path("status").toString());
        assertFalse(notReady.path("status").path("containerStatuses").path(0).path("ready").asBoolean());
        assertTrue(notReady.path("status").path("containerStatuses").path(0).path("started").asBoolean());
        node.exec("readiness", "c", "touch", "/tmp/ready");
        JsonNode ready = node.awaitPod("Ready", "readiness", p -> condition(p, "Ready").path("status").asText().equals("True"));
        assertEquals("True", condition(ready, "ContainersReady").path("status").asText());
        assertTrue(ready.path("status").path("containerStatuses").path(0).path("ready").asBoolean());
        node.exec("readiness", "c", "rm", "/tmp/ready");
        node.awaitPod("not Ready again", "readiness", p -> condition(p, "Ready").path("status").asText().equals("False"));
        assertTrue(events("readiness").contains("Readiness probe failed"), events("readiness"));
        node.deleteAndWait("readiness");
    }

    @Test
    void failingLivenessProbeRestartsTheContainer() throws Exception {
        ObjectNode pod = node.pod("liveness", "sleep 3600");
        ObjectNode probe = ((ObjectNode) pod.path("spec").path("containers").path(0)).putObject("livenessProbe")
                .put("periodSeconds", 1).put("failureThreshold", 2).put("initialDelaySeconds", 1);
        probe.putObject("exec").putArray("command").add("/bin/busybox").add("sh").add("-c").add("echo sick; exit 1");
        node.client.create(Resource.PODS, "default", pod);
        JsonNode restarted = node.awaitPod("restartCount grows", "liveness", p -> p.path("status").path("containerStatuses")
                .path(0).path("restartCount").asInt() >= 1);
        JsonNode last = restarted.path("status").path("containerStatuses").path(0).path("lastState").path("terminated");
        assertTrue(last.path("exitCode").asInt() == 137 || last.path("exitCode").asInt() == 143, last.toString());
        String ev = events("liveness");
        assertTrue(ev.contains("Liveness probe failed: sick"), ev);
        assertTrue(ev.contains("Container c failed liveness probe, will be restarted"), ev);
        node.deleteAndWait("liveness");
    }

    @Test
    void httpGetReadinessProbeAgainstBusyboxHttpd() throws Exception {
        ObjectNode pod = node.pod("web", "mkdir -p /www && echo ok > /www/index.html && exec /bin/busybox httpd -f -p 8080 -h /www");
        ObjectNode c = (ObjectNode) pod.path("spec").path("containers").path(0);
        c.putArray("ports").addObject().put("name", "http").put("containerPort", 8080);
        ObjectNode probe = c.putObject("readinessProbe").put("periodSeconds", 1);
        probe.putObject("httpGet").put("path", "/index.html").put("port", "http");
        node.client.create(Resource.PODS, "default", pod);
        JsonNode ready = node.awaitPod("web Ready", "web", p -> condition(p, "Ready").path("status").asText().equals("True"));
        assertTrue(ready.path("status").path("containerStatuses").path(0).path("ready").asBoolean());
        node.deleteAndWait("web");
    }

    private static String events(String pod) {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : node.client.list(Resource.EVENTS, "default", null).path("items")) {
            if (e.path("involvedObject").path("name").asText().equals(pod)) {
                b.append(e.path("reason").asText()).append(": ").append(e.path("message").asText()).append('\n');
            }
        }
        return b.toString();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
