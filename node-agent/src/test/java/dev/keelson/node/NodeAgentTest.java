package dev.keelson.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.api.ApiServerConfig;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.control.client.Resource;
import dev.keelson.control.store.sqlite.SqliteStore;
import dev.keelson.cri.api.v1.ContainerFilter;
import dev.keelson.cri.api.v1.ContainerState;
import dev.keelson.cri.api.v1.ListContainersRequest;
import dev.keelson.cri.api.v1.ListPodSandboxRequest;
import dev.keelson.cri.api.v1.PodSandboxFilter;
import dev.keelson.cri.sandbox.Cgroups;
import dev.keelson.cri.server.CriNode;
import dev.keelson.node.cri.CriConnection;
import dev.keelson.node.pod.CriLabels;
import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent end to end: a real API server on SQLite, Keelson's CRI runtime (runc, the CNI
 * bridge plugin in-process, a busybox image imported from an OCI layout) on a Unix socket, and the
 * agent between them. Pods are created through the API with {@code spec.nodeName} set, as the
 * scheduler would bind them; results are read back through the API and through CRI.
 */
@KernelTest
class NodeAgentTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path LIBEXEC = Path.of("../native/target/bin").toAbsolutePath().normalize();
    private static final String IMAGE = "keelson.test/busybox:1.0";
    private static final String NODE = "node-under-test";

    @TempDir
    static Path dir;
    static SqliteStore store;
    static ApiServer server;
    static KubeClient client;
    static CriNode runtime;
    static CriConnection cri;
    static NodeAgent agent;
    static final String cgroupParent = "/keelson-test-node-" + ProcessHandle.current().pid();

    @BeforeAll
    static void start() throws Exception {
        store = SqliteStore.open(dir.resolve("state.db"));
        server = ApiServer.start(ApiServerConfig.of(dir.resolve("server"), store).withBind("127.0.0.1", 0));
        client = new KubeClient(Kubeconfig.load(server.kubeconfig()), "node-agent-test");
        Path conf = Files.createDirectories(dir.resolve("net.d"));
        Files.writeString(conf.resolve("10-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "podnet", "plugins": [
                  {"type": "bridge", "bridge": "kn0", "isGateway": true,
                   "ipam": {"type": "host-local", "subnet": "10.79.0.0/24", "dataDir": "%s"}}]}
                """.formatted(dir.resolve("ipam")));
        Path socket = Path.of("/run/keelson-test/node-" + System.nanoTime() + ".sock");
        runtime = CriNode.start(new CriNode.Options(socket, dir.resolve("cri"), conf, List.of(dir.resolve("bin")), "runc",
                Map.of(), Set.of(), LIBEXEC, cgroupParent, null));
        runtime.images().importLayout(BusyboxImage.write(Files.createDirectories(dir.resolve("image")), IMAGE), IMAGE);
        cri = CriConnection.open(socket);
        NodeAgentConfig.Timings t = new NodeAgentConfig.Timings(Duration.ofSeconds(1), Duration.ofSeconds(40),
                Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(20));
        agent = NodeAgent.start(NodeAgentConfig.of(NODE, server.kubeconfig(), socket).withNodeIp("10.250.0.1")
                .withPodCidr("10.79.0.0/24").withLabels(Map.of("keelson.dev/test", "yes"))
                .withPodLogDir(dir.resolve("logs")).withTimings(t), line -> System.out.println("[agent] " + line));
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (runtime != null) {
            for (var r : runtime.sandboxes().list()) {
                try {
                    runtime.sandboxes().remove(r.id());
                } catch (RuntimeException e) {
                    System.err.println("cleanup of sandbox " + r.id() + ": " + e);
                }
            }
            runtime.rootfs().removeLeftovers(List.of());
            runtime.close();
        }
        if (cri != null) {
            cri.close();
        }
        Cgroups.remove(cgroupParent);
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void registersTheNodeWithCapacityAndRenewsItsLease() throws Exception {
        JsonNode node = client.get(Resource.NODES, null, NODE);
        JsonNode st = node.path("status");
        assertEquals(Integer.toString(Runtime.getRuntime().availableProcessors()), st.path("capacity").path("cpu").asText());
        assertTrue(st.path("capacity").path("memory").asText().endsWith("Ki"), st.toString());
        assertTrue(Quantities.value(st.path("capacity").path("memory").asText())
                > Quantities.value(st.path("allocatable").path("memory").asText()), "allocatable keeps a reserve");
        assertTrue(Quantities.value(st.path("capacity").path("ephemeral-storage").asText()) > 0);
        assertEquals("110", st.path("capacity").path("pods").asText());
        assertEquals("10.250.0.1", address(st, "InternalIP"));
        assertEquals(NODE, address(st, "Hostname"));
        assertEquals("v1.33.0-keelson", st.path("nodeInfo").path("kubeletVersion").asText());
        assertTrue(st.path("nodeInfo").path("containerRuntimeVersion").asText().startsWith("keelson://"), st.path("nodeInfo").toString());
        assertEquals(10250, st.path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt());
        assertEquals("True", condition(st, "Ready").path("status").asText());
        assertEquals("KubeletReady", condition(st, "Ready").path("reason").asText());
        assertEquals("KubeletHasSufficientMemory", condition(st, "MemoryPressure").path("reason").asText());
        assertEquals("False", condition(st, "PIDPressure").path("status").asText());
        assertEquals("yes", node.path("metadata").path("labels").path("keelson.dev/test").asText());
        assertEquals("10.79.0.0/24", node.path("spec").path("podCIDR").asText());

        JsonNode lease = client.get(Resource.LEASES, "kube-node-lease", NODE);
        assertEquals(NODE, lease.path("spec").path("holderIdentity").asText());
        assertEquals(node.path("metadata").path("uid").asText(), lease.path("metadata").path("ownerReferences").path(0).path("uid").asText());
        String first = lease.path("spec").path("renewTime").asText();
        await("lease renewed", () -> client.get(Resource.LEASES, "kube-node-lease", NODE),
                l -> !l.path("spec").path("renewTime").asText().equals(first));
    }

    @Test
    void runsAPodThenTearsItDownWhenDeleted() throws Exception {
        ObjectNode pod = client.create(Resource.PODS, "default", pod("sleeper", "Always", "sleep 3600"));
        String uid = pod.path("metadata").path("uid").asText();
        JsonNode running = await("pod running", () -> get("sleeper"), p -> p.path("status").path("phase").asText().equals("Running")
                && p.path("status").path("containerStatuses").path(0).path("state").has("running"));
        JsonNode st = running.path("status");
        assertTrue(st.path("podIP").asText().startsWith("10.79.0."), st.toString());
        assertEquals("10.250.0.1", st.path("hostIP").asText());
        assertTrue(st.has("startTime"));
        JsonNode cs = st.path("containerStatuses").path(0);
        assertTrue(cs.path("ready").asBoolean());
        assertEquals(0, cs.path("restartCount").asInt());
        assertEquals(IMAGE, cs.path("image").asText());
        assertTrue(cs.path("imageID").asText().startsWith("sha256:"), cs.toString());
        String containerId = cs.path("containerID").asText();
        assertTrue(containerId.startsWith("keelson://"), containerId);
        for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready", "PodReadyToStartContainers")) {
            assertEquals("True", condition(st, type).path("status").asText(), type + " in " + st);
        }
        var containers = cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .putLabelSelector(CriLabels.POD_UID, uid)).build()).getContainersList();
        assertEquals(1, containers.size());
        assertEquals(ContainerState.CONTAINER_RUNNING, containers.get(0).getState());
        assertEquals("keelson://" + containers.get(0).getId(), containerId);
        assertEquals("c", containers.get(0).getLabelsOrThrow(CriLabels.CONTAINER_NAME));
        assertTrue(Files.isDirectory(dir.resolve("logs/default_sleeper_" + uid + "/c")), "log dir per container");

        client.delete(Resource.PODS, "default", "sleeper", null);
        await("pod gone from the API", () -> {
            try {
                return get("sleeper");
            } catch (ApiException e) {
                return e.notFound() ? MAPPER.createObjectNode().put("gone", true) : MAPPER.createObjectNode();
            }
        }, p -> p.path("gone").asBoolean());
        assertEquals(0, cri.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                .putLabelSelector(CriLabels.POD_UID, uid)).build()).getItemsCount(), "sandbox removed");
        assertEquals(0, cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .putLabelSelector(CriLabels.POD_UID, uid)).build()).getContainersCount(), "containers removed");
    }

    @Test
    void aContainerExitingOneFailsAPodThatNeverRestarts() throws Exception {
        client.create(Resource.PODS, "default", pod("fails-once", "Never", "exit 1"));
        JsonNode failed = await("pod failed", () -> get("fails-once"), p -> p.path("status").path("phase").asText().equals("Failed"));
        JsonNode term = failed.path("status").path("containerStatuses").path(0).path("state").path("terminated");
        assertEquals(1, term.path("exitCode").asInt(), failed.path("status").toString());
        assertEquals("Error", term.path("reason").asText());
        assertEquals(0, failed.path("status").path("containerStatuses").path(0).path("restartCount").asInt());
        assertEquals("PodCompleted", condition(failed.path("status"), "Ready").path("reason").asText());
        deleteAndWait("fails-once");
    }

    @Test
    void onFailureRestartsWithCrashLoopBackOff() throws Exception {
        client.create(Resource.PODS, "default", pod("crashes", "OnFailure", "sleep 0.2; exit 3"));
        JsonNode backoff = await("CrashLoopBackOff", () -> get("crashes"), p -> p.path("status").path("containerStatuses").path(0)
                .path("state").path("waiting").path("reason").asText().equals("CrashLoopBackOff"));
        JsonNode cs = backoff.path("status").path("containerStatuses").path(0);
        assertTrue(cs.path("restartCount").asInt() >= 1, cs.toString());
        assertEquals(3, cs.path("lastState").path("terminated").path("exitCode").asInt(), cs.toString());
        assertTrue(cs.path("state").path("waiting").path("message").asText().startsWith("back-off 3s restarting failed container=c"), cs.toString());
        assertEquals("Running", backoff.path("status").path("phase").asText(), "OnFailure with a failed container keeps running");
        int before = cs.path("restartCount").asInt();
        await("restarted after the back-off", () -> get("crashes"),
                p -> p.path("status").path("containerStatuses").path(0).path("restartCount").asInt() > before);
        deleteAndWait("crashes");
    }

    private static void deleteAndWait(String name) throws Exception {
        ObjectNode opts = MAPPER.createObjectNode().put("gracePeriodSeconds", 1);
        client.delete(Resource.PODS, "default", name, opts);
        await(name + " deleted", () -> {
            try {
                return get(name);
            } catch (ApiException e) {
                return MAPPER.createObjectNode().put("gone", e.notFound());
            }
        }, p -> p.path("gone").asBoolean());
    }

    private static ObjectNode pod(String name, String restartPolicy, String script) {
        ObjectNode p = MAPPER.createObjectNode();
        p.put("apiVersion", "v1").put("kind", "Pod");
        p.putObject("metadata").put("name", name).put("namespace", "default").putObject("labels").put("app", name);
        ObjectNode spec = p.putObject("spec").put("nodeName", NODE).put("restartPolicy", restartPolicy)
                .put("terminationGracePeriodSeconds", 2);
        ObjectNode c = spec.putArray("containers").addObject();
        c.put("name", "c").put("image", IMAGE).put("imagePullPolicy", "IfNotPresent");
        c.putArray("command").add("/bin/busybox").add("sh").add("-c").add(script);
        c.putArray("env").addObject().put("name", "POD_NAME").putObject("valueFrom").putObject("fieldRef")
                .put("fieldPath", "metadata.name");
        return p;
    }

    private static ObjectNode get(String name) {
        return client.get(Resource.PODS, "default", name);
    }

    private static String address(JsonNode status, String type) {
        for (JsonNode a : status.path("addresses")) {
            if (a.path("type").asText().equals(type)) {
                return a.path("address").asText();
            }
        }
        return null;
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return MAPPER.createObjectNode();
    }

    private static JsonNode await(String what, Supplier<JsonNode> get, Predicate<JsonNode> ok) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get.get();
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what + "; last: " + last);
    }

}
