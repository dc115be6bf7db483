package dev.keelson.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.client.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * kubectl reading from the server: the server-side tables that {@code get} prints (columns and
 * values), {@code -o yaml|json|wide}, {@code describe}, and a {@code get -w} that streams a change.
 * Every value printed is also read back through the API.
 */
class KubectlReadTest extends KubectlSuite {

    /** A namespace of its own per test and kubectl version, holding a Deployment "web" of 2 ready pods. */
    private String namespaceWithWeb(String test) {
        String ns = cluster.ensureNamespace(test + "-" + kubectl.tag());
        kubectl.okWithInput(Manifests.deployment("web", 2, "nginx:1.27"), "-n", ns, "create", "-f", "-");
        Cluster.await("web available", () -> cluster.client.get(Resource.DEPLOYMENTS, ns, "web"),
                d -> d.path("status").path("availableReplicas").asInt() == 2);
        return ns;
    }

    private static void assertMatches(String regex, String text) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(text).find(), () -> "expected /" + regex + "/ in:\n" + text);
    }

    private List<JsonNode> pods(String ns) {
        List<JsonNode> out = new java.util.ArrayList<>();
        cluster.client.list(Resource.PODS, ns, "labelSelector=app%3Dweb").path("items").forEach(out::add);
        return out;
    }

    @Test
    void getPrintsTheServersTableColumnsAndValues() {
        String ns = namespaceWithWeb("get");
        String deploys = kubectl.ok("-n", ns, "get", "deployments").out();
        assertMatches("^NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE$", deploys);
        assertMatches("^web\\s+2/2\\s+2\\s+2\\s+\\d+s$", deploys);

        String pods = kubectl.ok("-n", ns, "get", "pods").out();
        assertMatches("^NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE$", pods);
        for (JsonNode p : pods(ns)) {
            assertMatches("^" + p.path("metadata").path("name").asText() + "\\s+1/1\\s+Running\\s+0\\s+\\d+s$", pods);
        }
        assertEquals(3, pods.strip().lines().count(), pods);

        String rs = kubectl.ok("-n", ns, "get", "rs").out();
        assertMatches("^NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE$", rs);
        assertMatches("^web-[456789bcdf]{1,10}\\s+2\\s+2\\s+2\\s+\\d+s$", rs);

        kubectl.okWithInput(Manifests.configMap("settings", "colour", "blue"), "-n", ns, "create", "-f", "-");
        String cms = kubectl.ok("-n", ns, "get", "cm", "settings").out();
        assertMatches("^NAME\\s+DATA\\s+AGE$", cms);
        assertMatches("^settings\\s+1\\s+\\d+s$", cms);
    }

    @Test
    void getWidePrintsNodeAndIpOfEachPod() {
        String ns = namespaceWithWeb("wide");
        String wide = kubectl.ok("-n", ns, "get", "pods", "-o", "wide").out();
        assertMatches("^NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES$", wide);
        for (JsonNode p : pods(ns)) {
            assertMatches("^" + p.path("metadata").path("name").asText() + "\\s+1/1\\s+Running\\s+0\\s+\\d+s\\s+"
                    + Pattern.quote(p.path("status").path("podIP").asText()) + "\\s+"
                    + p.path("spec").path("nodeName").asText() + "\\s+<none>\\s+<none>$", wide);
        }
        String deploys = kubectl.ok("-n", ns, "get", "deploy", "-o", "wide").out();
        assertMatches("^NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR$", deploys);
        assertMatches("^web\\s+2/2\\s+2\\s+2\\s+\\d+s\\s+web\\s+nginx:1\\.27\\s+app=web$", deploys);
    }

    @Test
    void getAsYamlAndJsonPrintsTheStoredObject() throws Exception {
        String ns = cluster.ensureNamespace("output-" + kubectl.tag());
        kubectl.okWithInput(Manifests.configMap("settings", "colour", "blue"), "-n", ns, "create", "-f", "-");
        JsonNode stored = cluster.client.get(Resource.CONFIGMAPS, ns, "settings");

        String yaml = kubectl.ok("-n", ns, "get", "cm", "settings", "-o", "yaml").out();
        assertMatches("^kind: ConfigMap$", yaml);
        assertMatches("^  colour: blue$", yaml);
        assertMatches("^  namespace: " + ns + "$", yaml);
        assertMatches("^  uid: " + stored.path("metadata").path("uid").asText() + "$", yaml);
        assertMatches("^  resourceVersion: \"" + stored.path("metadata").path("resourceVersion").asText() + "\"$", yaml);

        JsonNode json = Cluster.MAPPER.readTree(kubectl.ok("-n", ns, "get", "cm", "settings", "-o", "json").out());
        assertEquals("v1", json.path("apiVersion").asText());
        // kubectl 1.33 hides managedFields unless asked; the rest is the stored object.
        ((com.fasterxml.jackson.databind.node.ObjectNode) stored.path("metadata")).remove("managedFields");
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.path("metadata")).remove("managedFields");
        assertEquals(stored, json);

        JsonNode list = Cluster.MAPPER.readTree(kubectl.ok("-n", ns, "get", "cm", "-o", "json").out());
        assertEquals("List", list.path("kind").asText());
        assertEquals("settings", list.path("items").path(0).path("metadata").path("name").asText());
    }

    @Test
    void describeShowsKeyLinesOfDeploymentPodAndConfigMap() {
        String ns = namespaceWithWeb("describe");
        String d = kubectl.ok("-n", ns, "describe", "deployment", "web").out();
        assertMatches("^Name:\\s+web$", d);
        assertMatches("^Namespace:\\s+" + ns + "$", d);
        assertMatches("^Selector:\\s+app=web$", d);
        assertMatches("^Replicas:\\s+2 desired \\| 2 updated \\| 2 total \\| 2 available \\| 0 unavailable$", d);
        assertMatches("^StrategyType:\\s+RollingUpdate$", d);
        assertMatches("^RollingUpdateStrategy:\\s+25% max unavailable, 25% max surge$", d);
        assertMatches("^\\s+Image:\\s+nginx:1\\.27$", d);
        assertMatches("^\\s+Available\\s+True\\s+MinimumReplicasAvailable$", d);
        assertMatches("^\\s+Progressing\\s+True\\s+NewReplicaSetAvailable$", d);
        String rsName = cluster.client.list(Resource.REPLICASETS, ns, null).path("items").path(0).path("metadata")
                .path("name").asText();
        assertMatches("^NewReplicaSet:\\s+" + rsName + " \\(2/2 replicas created\\)$", d);

        JsonNode pod = pods(ns).get(0);
        String name = pod.path("metadata").path("name").asText();
        String p = kubectl.ok("-n", ns, "describe", "pod", name).out();
        assertMatches("^Name:\\s+" + name + "$", p);
        assertMatches("^Node:\\s+" + pod.path("spec").path("nodeName").asText() + "/192\\.168\\.0\\.1$", p);
        assertMatches("^Status:\\s+Running$", p);
        assertMatches("^IP:\\s+" + Pattern.quote(pod.path("status").path("podIP").asText()) + "$", p);
        assertMatches("^Controlled By:\\s+ReplicaSet/" + rsName + "$", p);
        assertMatches("^QoS Class:\\s+BestEffort$", p);
        assertMatches("^\\s+Ready\\s+True\\s*$", p);
        assertMatches("Normal\\s+Scheduled\\s+.*default-scheduler\\s+Successfully assigned " + ns + "/" + name + " to "
                + pod.path("spec").path("nodeName").asText(), p);

        kubectl.okWithInput(Manifests.configMap("settings", "colour", "blue"), "-n", ns, "create", "-f", "-");
        String c = kubectl.ok("-n", ns, "describe", "configmap", "settings").out();
        assertMatches("^Name:\\s+settings$", c);
        assertMatches("^Data\\n====\\ncolour:\\n----\\nblue$", c);
    }

    @Test
    void getWatchStreamsAChangeMadeWhileItRuns() throws Exception {
        String ns = cluster.ensureNamespace("watch-" + kubectl.tag());
        kubectl.okWithInput(Manifests.configMap("first", "a", "1"), "-n", ns, "create", "-f", "-");
        Path out = Files.createTempFile(cluster.dir, "watch", ".txt");
        Process watch = kubectl.start(out, "-n", ns, "get", "configmaps", "--watch", "--output-watch-events");
        try {
            awaitText(out, "first", watch);
            kubectl.okWithInput(Manifests.configMap("second", "a", "1"), "-n", ns, "create", "-f", "-");
            awaitText(out, "second", watch);
            kubectl.ok("-n", ns, "delete", "configmap", "first");
            awaitText(out, "DELETED", watch);
        } finally {
            watch.destroy();  // SIGTERM to exactly this kubectl's PID
            watch.waitFor(5, TimeUnit.SECONDS);
        }
        String text = Files.readString(out);
        assertMatches("^EVENT\\s+NAME\\s+DATA\\s+AGE$", text);
        assertMatches("^ADDED\\s+first\\s+1\\s+\\d+s$", text);
        assertMatches("^ADDED\\s+second\\s+1\\s+\\d+s$", text);
        assertMatches("^DELETED\\s+first\\s+1\\s+\\d+s$", text);
        assertTrue(cluster.find(Resource.CONFIGMAPS, ns, "first") == null, "first was deleted");
        assertEquals("1", cluster.client.get(Resource.CONFIGMAPS, ns, "second").path("data").path("a").asText());
    }

    private static void awaitText(Path file, String text, Process watch) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.readString(file).contains(text)) {
                return;
            }
            if (!watch.isAlive()) {
                throw new AssertionError("kubectl get -w exited " + watch.exitValue() + ": " + Files.readString(file));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("kubectl get -w did not print \"" + text + "\": " + Files.readString(file));
    }
}
