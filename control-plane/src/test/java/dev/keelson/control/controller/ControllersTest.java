package dev.keelson.control.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.control.scheduler.Profile;
import dev.keelson.control.scheduler.Scheduler;
import dev.keelson.control.scheduler.plugins.NodeResourcesFit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler and the controllers against a real API server on a real SQLite store, with
 * simulated nodes (registered Node objects whose pods a {@link SimulatedKubelet} marks running),
 * and real kubectl for the rollout commands.
 */
class ControllersTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static ApiServer server;
    static KubeClient client;
    static Scheduler scheduler;
    static SimulatedKubelet kubelet;
    static List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, "controllers-test");
        server = cp.server;
        client = cp.client;
        kubelet = new SimulatedKubelet(client, "node-a", "node-b");
        scheduler = new Scheduler(client, Profile.defaults(NodeResourcesFit.Strategy.LEAST_ALLOCATED), true)
                .start(Duration.ofSeconds(10));
        Informer pods = new Informer(client, Resource.PODS, null, null, null);
        Informer rs = new Informer(client, Resource.REPLICASETS, null, null, null);
        Informer deps = new Informer(client, Resource.DEPLOYMENTS, null, null, null);
        Informer svcs = new Informer(client, Resource.SERVICES, null, null, null);
        Informer slices = new Informer(client, Resource.ENDPOINTSLICES, null, null, null);
        Informer endpoints = new Informer(client, Resource.ENDPOINTS, null, null, null);
        closing.add(new ReplicaSetController(client, rs, pods).start(2));
        closing.add(new DeploymentController(client, deps, rs).start(2));
        closing.add(new EndpointsController(client, svcs, pods, slices, endpoints).start(2));
        for (Informer i : List.of(pods, rs, deps, svcs, slices, endpoints)) {
            i.start();
            closing.add(i);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        scheduler.close();
        kubelet.close();
        cp.close();
    }

    static ObjectNode deployment(String name, String image, int replicas, int progressDeadline) {
        ObjectNode d = MAPPER.createObjectNode();
        d.put("apiVersion", "apps/v1").put("kind", "Deployment");
        d.putObject("metadata").put("name", name).put("namespace", "default");
        ObjectNode spec = d.putObject("spec");
        spec.put("replicas", replicas).put("progressDeadlineSeconds", progressDeadline);
        spec.putObject("selector").putObject("matchLabels").put("app", name);
        ObjectNode t = spec.putObject("template");
        t.putObject("metadata").putObject("labels").put("app", name);
        ObjectNode c = t.putObject("spec").putArray("containers").addObject();
        c.put("name", "web").put("image", image);
        c.putArray("ports").addObject().put("containerPort", 80).put("name", "http");
        return d;
    }

    static JsonNode await(String what, java.util.function.Supplier<JsonNode> get, Predicate<JsonNode> ok) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get.get();
                if (ok.test(last)) {
                    return last;
                }
            } catch (ApiException e) {
                last = MAPPER.createObjectNode().put("error", e.getMessage());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
    }

    static List<JsonNode> pods(String app) {
        List<JsonNode> out = new ArrayList<>();
        client.list(Resource.PODS, "default", "labelSelector=app%3D" + app).path("items").forEach(out::add);
        return out;
    }

    static String kubectl(int expectExit, String... args) throws Exception {
        return cp.kubectl(expectExit, args);
    }

    @Test
    void aDeploymentRollsOutAndItsPodsAreScheduledAcrossNodes() throws Exception {
        client.create(Resource.DEPLOYMENTS, "default", deployment("web", "nginx:1.27", 4, 600));
        JsonNode d = await("web available", () -> client.get(Resource.DEPLOYMENTS, "default", "web"),
                n -> n.path("status").path("availableReplicas").asInt() == 4
                        && n.path("status").path("updatedReplicas").asInt() == 4);
        assertEquals("NewReplicaSetAvailable", condition(d, "Progressing").path("reason").asText());
        Set<String> nodes = new HashSet<>();
        pods("web").forEach(p -> nodes.add(p.path("spec").path("nodeName").asText()));
        assertEquals(Set.of("node-a", "node-b"), nodes, "least-allocated scoring spreads 4 pods over 2 nodes");
        String out = kubectl(0, "rollout", "status", "deployment/web", "--timeout=20s");
        assertTrue(out.contains("successfully rolled out"), out);
    }

    @Test
    void aDeletedPodIsReplaced() throws Exception {
        client.create(Resource.DEPLOYMENTS, "default", deployment("heal", "nginx:1.27", 2, 600));
        await("heal available", () -> client.get(Resource.DEPLOYMENTS, "default", "heal"),
                n -> n.path("status").path("availableReplicas").asInt() == 2);
        String victim = pods("heal").get(0).path("metadata").path("name").asText();
        ObjectNode now = MAPPER.createObjectNode().put("gracePeriodSeconds", 0);
        client.delete(Resource.PODS, "default", victim, now);
        await("a replacement", () -> MAPPER.valueToTree(pods("heal")), n -> {
            int ready = 0;
            for (JsonNode p : n) {
                if (p.path("metadata").path("name").asText().equals(victim)) {
                    return false;
                }
                ready += Pods.ready(p) ? 1 : 0;
            }
            return ready == 2;
        });
    }

    @Test
    void aBadRolloutStallsAndRolloutUndoRecovers() throws Exception {
        client.create(Resource.DEPLOYMENTS, "default", deployment("shop", "nginx:1.27", 3, 3));
        await("shop available", () -> client.get(Resource.DEPLOYMENTS, "default", "shop"),
                n -> n.path("status").path("availableReplicas").asInt() == 3);
        kubectl(0, "set", "image", "deployment/shop", "web=bad/nginx:broken");
        JsonNode d = await("deadline exceeded", () -> client.get(Resource.DEPLOYMENTS, "default", "shop"),
                n -> "ProgressDeadlineExceeded".equals(condition(n, "Progressing").path("reason").asText()));
        assertEquals(3, d.path("status").path("availableReplicas").asInt(), "old pods keep serving");
        String out = kubectl(1, "rollout", "status", "deployment/shop", "--timeout=10s");
        assertTrue(out.contains("exceeded its progress deadline"), out);
        String history = kubectl(0, "rollout", "history", "deployment/shop");
        assertTrue(history.contains("1 ") && history.contains("2 "), history);
        kubectl(0, "rollout", "undo", "deployment/shop");
        d = await("recovered", () -> client.get(Resource.DEPLOYMENTS, "default", "shop"),
                n -> "NewReplicaSetAvailable".equals(condition(n, "Progressing").path("reason").asText())
                        && n.path("status").path("updatedReplicas").asInt() == 3
                        && n.path("status").path("replicas").asInt() == 3);
        assertEquals("3", d.path("metadata").path("annotations").path("deployment.kubernetes.io/revision").asText());
        for (JsonNode p : pods("shop")) {
            assertEquals("nginx:1.27", p.path("spec").path("containers").path(0).path("image").asText());
        }
    }

    @Test
    void serviceEndpointsListReadyPods() throws Exception {
        client.create(Resource.DEPLOYMENTS, "default", deployment("api", "nginx:1.27", 3, 600));
        ObjectNode svc = MAPPER.createObjectNode();
        svc.put("apiVersion", "v1").put("kind", "Service");
        svc.putObject("metadata").put("name", "api").put("namespace", "default");
        ObjectNode spec = svc.putObject("spec");
        spec.putObject("selector").put("app", "api");
        spec.putArray("ports").addObject().put("port", 8080).put("targetPort", "http");
        client.create(Resource.SERVICES, "default", svc);
        JsonNode slices = await("3 endpoints", () -> client.list(Resource.ENDPOINTSLICES, "default",
                "labelSelector=kubernetes.io%2Fservice-name%3Dapi"), n -> n.path("items").path(0).path("endpoints").size() == 3
                && allReady(n.path("items").path(0).path("endpoints")));
        JsonNode slice = slices.path("items").path(0);
        assertEquals(80, slice.path("ports").path(0).path("port").asInt(), "named targetPort resolved to the container port");
        JsonNode ep = await("legacy endpoints", () -> client.get(Resource.ENDPOINTS, "default", "api"),
                n -> n.path("subsets").path(0).path("addresses").size() == 3);
        assertNotEquals("", ep.path("subsets").path(0).path("addresses").path(0).path("ip").asText());
    }

    @Test
    void anUnschedulablePodSaysWhy() throws Exception {
        ObjectNode pod = MAPPER.createObjectNode();
        pod.put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "huge").put("namespace", "default");
        ObjectNode c = pod.putObject("spec").putArray("containers").addObject();
        c.put("name", "c").put("image", "busybox");
        c.putObject("resources").putObject("requests").put("cpu", "64");
        client.create(Resource.PODS, "default", pod);
        JsonNode p = await("PodScheduled=False", () -> client.get(Resource.PODS, "default", "huge"),
                n -> "False".equals(condition(n, "PodScheduled").path("status").asText()));
        assertEquals("0/2 nodes are available: 2 Insufficient cpu.", condition(p, "PodScheduled").path("message").asText());
        String events = kubectl(0, "get", "events", "--field-selector", "involvedObject.name=huge");
        assertTrue(events.contains("FailedScheduling"), events);
    }

    private static boolean allReady(JsonNode endpoints) {
        for (JsonNode e : endpoints) {
            if (!e.path("conditions").path("ready").asBoolean()) {
                return false;
            }
        }
        return true;
    }

    static JsonNode condition(JsonNode o, String type) {
        for (JsonNode c : o.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return MAPPER.createObjectNode();
    }

}
