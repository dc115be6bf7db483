package dev.keelson.control.controller;

import static dev.keelson.control.controller.ControllersTest.await;
import static dev.keelson.control.controller.ControllersTest.condition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.control.scheduler.Profile;
import dev.keelson.control.scheduler.Scheduler;
import dev.keelson.control.scheduler.plugins.NodeResourcesFit;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole controller manager (leader election, every controller) with the scheduler against a real
 * API server, simulated nodes, and real kubectl: node failure, Jobs, autoscaling, scale and drain.
 */
class ControllerManagerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static ApiServer server;
    static KubeClient client;
    static Scheduler scheduler;
    static SimulatedKubelet kubelet;
    static ControllerManager manager;
    /** The autoscaler's metrics source: every pod of {@code app=busy} burns 900m against 100m requested. */
    static final PodMetrics BUSY = (ns, selector) -> {
        List<PodMetrics.PodUsage> out = new ArrayList<>();
        client.list(Resource.PODS, ns, "labelSelector=" + selector.replace("=", "%3D")).path("items")
                .forEach(p -> out.add(new PodMetrics.PodUsage(p.path("metadata").path("name").asText(), 900, Instant.now())));
        return out;
    };

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, "manager-test");
        server = cp.server;
        client = cp.client;
        kubelet = new SimulatedKubelet(client, "node-a", "node-b", "node-c");
        scheduler = new Scheduler(client, Profile.defaults(NodeResourcesFit.Strategy.LEAST_ALLOCATED), true)
                .start(Duration.ofSeconds(10));
        var options = new ControllerManager.Options(2, LeaderElector.Timing.DEFAULTS,
                new NodeLifecycleController.Options(Duration.ofSeconds(4), Duration.ofSeconds(2)),
                new HorizontalPodAutoscalerController.Options(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.1),
                Duration.ofSeconds(30), BUSY);
        manager = new ControllerManager(client, "test-manager", options).start();
        await("leadership", () -> MAPPER.createObjectNode().put("leader", manager.isLeader()),
                n -> n.path("leader").asBoolean() && manager.running() > 0);
    }

    @AfterAll
    static void stop() {
        manager.close();
        scheduler.close();
        kubelet.close();
        cp.close();
    }

    static String kubectl(int expectExit, String... args) throws Exception {
        return cp.kubectl(expectExit, args);
    }

    private static ObjectNode deployment(String name, int replicas, String cpu) {
        ObjectNode d = ControllersTest.deployment(name, "nginx:1.27", replicas, 600);
        ((ObjectNode) d.at("/spec/template/spec/containers/0")).putObject("resources").putObject("requests").put("cpu", cpu);
        return d;
    }

    private static List<JsonNode> pods(String app) {
        List<JsonNode> out = new ArrayList<>();
        client.list(Resource.PODS, "default", "labelSelector=app%3D" + app).path("items").forEach(out::add);
        return out;
    }

    @Test
    void podsOfANodeThatStopsHeartbeatingMoveElsewhere() throws Exception {
        ObjectNode moving = deployment("moving", 3, "100m");
        // the API server gives every pod 300 s tolerations for these taints (DefaultTolerationSeconds);
        // a pod may ask for less, which keeps this test short
        var tolerations = ((ObjectNode) moving.at("/spec/template/spec")).putArray("tolerations");
        for (String key : List.of("node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready")) {
            tolerations.addObject().put("key", key).put("operator", "Exists").put("effect", "NoExecute").put("tolerationSeconds", 2);
        }
        client.create(Resource.DEPLOYMENTS, "default", moving);
        await("moving available", () -> client.get(Resource.DEPLOYMENTS, "default", "moving"),
                n -> n.path("status").path("availableReplicas").asInt() == 3);
        String dead = pods("moving").get(0).path("spec").path("nodeName").asText();
        kubelet.stop(dead);
        JsonNode node = await("node " + dead + " unreachable", () -> client.get(Resource.NODES, null, dead),
                n -> "Unknown".equals(condition(n, "Ready").path("status").asText())
                        && n.path("spec").path("taints").toString().contains("node.kubernetes.io/unreachable"));
        assertEquals("NodeStatusUnknown", condition(node, "Ready").path("reason").asText());
        await("3 ready pods off " + dead, () -> MAPPER.valueToTree(pods("moving")), list -> {
            int ready = 0;
            for (JsonNode p : list) {
                if (!p.path("metadata").has("deletionTimestamp") && Pods.ready(p)) {
                    if (p.path("spec").path("nodeName").asText().equals(dead)) {
                        return false;
                    }
                    ready++;
                }
            }
            return ready == 3;
        });
    }

    @Test
    void aJobRetriesAFailedPodAndCompletes() throws Exception {
        ObjectNode job = MAPPER.createObjectNode();
        job.put("apiVersion", "batch/v1").put("kind", "Job");
        job.putObject("metadata").put("name", "flaky").put("namespace", "default");
        ObjectNode spec = job.putObject("spec");
        spec.put("completions", 2).put("backoffLimit", 3);
        ObjectNode pod = spec.putObject("template").putObject("spec");
        pod.put("restartPolicy", "Never");
        pod.putArray("containers").addObject().put("name", "c").put("image", "job/flaky");
        client.create(Resource.JOBS, "default", job);
        JsonNode done = await("job complete", () -> client.get(Resource.JOBS, "default", "flaky"),
                n -> "True".equals(condition(n, "Complete").path("status").asText()));
        assertEquals(2, done.path("status").path("succeeded").asInt());
        assertEquals(1, done.path("status").path("failed").asInt());
        String out = kubectl(0, "get", "job", "flaky");
        assertTrue(out.contains("Complete") || out.contains("2/2"), out);
    }

    @Test
    void kubectlAutoscaleScalesABusyDeploymentUp() throws Exception {
        client.create(Resource.DEPLOYMENTS, "default", deployment("busy", 1, "100m"));
        await("busy available", () -> client.get(Resource.DEPLOYMENTS, "default", "busy"),
                n -> n.path("status").path("availableReplicas").asInt() == 1);
        kubectl(0, "autoscale", "deployment", "busy", "--cpu-percent=50", "--min=1", "--max=4");
        JsonNode hpa = await("scaled to 4", () -> client.get(Resource.HPAS, "default", "busy"),
                n -> n.path("status").path("desiredReplicas").asInt() == 4);
        assertTrue(hpa.path("status").path("conditions").toString().contains("ScalingLimited"), hpa.toString());
        await("4 replicas", () -> client.get(Resource.DEPLOYMENTS, "default", "busy"),
                n -> n.path("spec").path("replicas").asInt() == 4 && n.path("status").path("availableReplicas").asInt() == 4);
    }

    @Test
    void kubectlScaleAndDrainWork() throws Exception {
        client.create(Resource.DEPLOYMENTS, "default", deployment("drained", 2, "10m"));
        await("drained available", () -> client.get(Resource.DEPLOYMENTS, "default", "drained"),
                n -> n.path("status").path("availableReplicas").asInt() == 2);
        kubectl(0, "scale", "deployment/drained", "--replicas=4");
        await("4 available", () -> client.get(Resource.DEPLOYMENTS, "default", "drained"),
                n -> n.path("status").path("availableReplicas").asInt() == 4);
        String target = "node-c";
        String out = kubectl(0, "drain", target, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=60s");
        assertTrue(out.contains("drained"), out);
        assertTrue(client.get(Resource.NODES, null, target).path("spec").path("unschedulable").asBoolean());
        await("no pods on " + target, () -> MAPPER.valueToTree(pods("drained")), list -> {
            int ready = 0;
            for (JsonNode p : list) {
                if (p.path("spec").path("nodeName").asText().equals(target)) {
                    return false;
                }
                ready += Pods.ready(p) ? 1 : 0;
            }
            return ready == 4;
        });
        kubectl(0, "uncordon", target);
    }

    @Test
    void aDaemonSetRunsOnePodOnEveryEligibleNode() throws Exception {
        ObjectNode ds = MAPPER.createObjectNode();
        ds.put("apiVersion", "apps/v1").put("kind", "DaemonSet");
        ds.putObject("metadata").put("name", "agent").put("namespace", "default");
        ObjectNode spec = ds.putObject("spec");
        spec.putObject("selector").putObject("matchLabels").put("app", "agent");
        ObjectNode t = spec.putObject("template");
        t.putObject("metadata").putObject("labels").put("app", "agent");
        t.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "nginx:1.27");
        client.create(Resource.DAEMONSETS, "default", ds);
        JsonNode done = await("agent on every node", () -> client.get(Resource.DAEMONSETS, "default", "agent"),
                n -> n.path("status").path("desiredNumberScheduled").asInt() == 3
                        && n.path("status").path("numberReady").asInt() == 3);
        assertEquals(3, done.path("status").path("currentNumberScheduled").asInt());
        java.util.Set<String> nodes = new java.util.HashSet<>();
        pods("agent").forEach(p -> nodes.add(p.path("spec").path("nodeName").asText()));
        assertEquals(java.util.Set.of("node-a", "node-b", "node-c"), nodes, "one pod per node");
    }

    @Test
    void deletingANamespaceRemovesEverythingInItThenTheNamespace() throws Exception {
        ObjectNode ns = MAPPER.createObjectNode();
        ns.put("apiVersion", "v1").put("kind", "Namespace").putObject("metadata").put("name", "doomed");
        client.create(Resource.NAMESPACES, null, ns);
        ObjectNode d = ControllersTest.deployment("inside", "nginx:1.27", 2, 600);
        ((ObjectNode) d.get("metadata")).put("namespace", "doomed");
        client.create(Resource.DEPLOYMENTS, "doomed", d);
        ObjectNode cm = MAPPER.createObjectNode();
        cm.put("apiVersion", "v1").put("kind", "ConfigMap").putObject("metadata").put("name", "settings").put("namespace", "doomed");
        client.create(Resource.CONFIGMAPS, "doomed", cm);
        await("pods in doomed", () -> client.list(Resource.PODS, "doomed", null), n -> n.path("items").size() == 2);
        kubectl(0, "delete", "namespace", "doomed", "--wait=true", "--timeout=60s");
        assertEquals(404, codeOf(() -> client.get(Resource.NAMESPACES, null, "doomed")));
        assertEquals(0, client.list(Resource.PODS, "doomed", null).path("items").size());
        assertEquals(0, client.list(Resource.CONFIGMAPS, "doomed", null).path("items").size());
        assertEquals(0, client.list(Resource.REPLICASETS, "doomed", null).path("items").size());
    }

    private static int codeOf(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (dev.keelson.control.client.ApiException e) {
            return e.code();
        }
    }
}
