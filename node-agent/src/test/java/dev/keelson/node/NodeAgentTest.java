package dev.keelson.node;

import static dev.keelson.node.AgentFixture.IMAGE;
import static dev.keelson.node.AgentFixture.MAPPER;
import static dev.keelson.node.AgentFixture.await;
import static dev.keelson.node.AgentFixture.condition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.cri.api.v1.ContainerFilter;
import dev.keelson.cri.api.v1.ContainerState;
import dev.keelson.cri.api.v1.ListContainersRequest;
import dev.keelson.cri.api.v1.ListPodSandboxRequest;
import dev.keelson.cri.api.v1.PodSandboxFilter;
import dev.keelson.node.pod.CriLabels;
import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    private static final String NODE = "node-under-test";

    @TempDir
    static Path dir;
    static AgentFixture node;
    static KubeClient client;

    @BeforeAll
    static void start() throws Exception {
        // a 3 s first back-off: long enough to observe CrashLoopBackOff between restarts
        node = AgentFixture.start(dir, AgentFixture.Setup.of(NODE, 79).withBackoff(Duration.ofSeconds(3), Duration.ofSeconds(20))
                .withConfig(c -> c.withPodCidr("10.79.0.0/24").withLabels(Map.of("keelson.dev/test", "yes"))));
        client = node.client;
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void registersTheNodeWithCapacityAndRenewsItsLease() throws Exception {
        JsonNode registered = client.get(Resource.NODES, null, NODE);
        JsonNode st = registered.path("status");
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
        assertEquals("True", condition(registered, "Ready").path("status").asText());
        assertEquals("KubeletReady", condition(registered, "Ready").path("reason").asText());
        assertEquals("KubeletHasSufficientMemory", condition(registered, "MemoryPressure").path("reason").asText());
        assertEquals("False", condition(registered, "PIDPressure").path("status").asText());
        assertEquals("yes", registered.path("metadata").path("labels").path("keelson.dev/test").asText());
        assertEquals("10.79.0.0/24", registered.path("spec").path("podCIDR").asText());

        JsonNode lease = client.get(Resource.LEASES, "kube-node-lease", NODE);
        assertEquals(NODE, lease.path("spec").path("holderIdentity").asText());
        assertEquals(registered.path("metadata").path("uid").asText(), lease.path("metadata").path("ownerReferences").path(0).path("uid").asText());
        String first = lease.path("spec").path("renewTime").asText();
        await("lease renewed", () -> client.get(Resource.LEASES, "kube-node-lease", NODE),
                l -> !l.path("spec").path("renewTime").asText().equals(first));
    }

    @Test
    void runsAPodThenTearsItDownWhenDeleted() throws Exception {
        ObjectNode pod = client.create(Resource.PODS, "default", pod("sleeper", "Always", "sleep 3600"));
        String uid = pod.path("metadata").path("uid").asText();
        JsonNode running = await("pod running", () -> node.get("sleeper"), p -> p.path("status").path("phase").asText().equals("Running")
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
            assertEquals("True", condition(running, type).path("status").asText(), type + " in " + st);
        }
        var containers = node.cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .putLabelSelector(CriLabels.POD_UID, uid)).build()).getContainersList();
        assertEquals(1, containers.size());
        assertEquals(ContainerState.CONTAINER_RUNNING, containers.get(0).getState());
        assertEquals("keelson://" + containers.get(0).getId(), containerId);
        assertEquals("c", containers.get(0).getLabelsOrThrow(CriLabels.CONTAINER_NAME));
        assertTrue(Files.isDirectory(dir.resolve("logs/default_sleeper_" + uid + "/c")), "log dir per container");

        client.delete(Resource.PODS, "default", "sleeper", null);
        await("pod gone from the API", () -> {
            try {
                return node.get("sleeper");
            } catch (ApiException e) {
                return e.notFound() ? MAPPER.createObjectNode().put("gone", true) : MAPPER.createObjectNode();
            }
        }, p -> p.path("gone").asBoolean());
        assertEquals(0, node.cri.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                .putLabelSelector(CriLabels.POD_UID, uid)).build()).getItemsCount(), "sandbox removed");
        assertEquals(0, node.cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .putLabelSelector(CriLabels.POD_UID, uid)).build()).getContainersCount(), "containers removed");
    }

    @Test
    void aContainerExitingOneFailsAPodThatNeverRestarts() throws Exception {
        client.create(Resource.PODS, "default", pod("fails-once", "Never", "exit 1"));
        JsonNode failed = await("pod failed", () -> node.get("fails-once"), p -> p.path("status").path("phase").asText().equals("Failed"));
        JsonNode term = failed.path("status").path("containerStatuses").path(0).path("state").path("terminated");
        assertEquals(1, term.path("exitCode").asInt(), failed.path("status").toString());
        assertEquals("Error", term.path("reason").asText());
        assertEquals(0, failed.path("status").path("containerStatuses").path(0).path("restartCount").asInt());
        assertEquals("PodCompleted", condition(failed, "Ready").path("reason").asText());
        node.deleteAndWait("fails-once");
    }

    @Test
    void onFailureRestartsWithCrashLoopBackOff() throws Exception {
        client.create(Resource.PODS, "default", pod("crashes", "OnFailure", "sleep 0.2; exit 3"));
        JsonNode backoff = await("CrashLoopBackOff", () -> node.get("crashes"), p -> p.path("status").path("containerStatuses").path(0)
                .path("state").path("waiting").path("reason").asText().equals("CrashLoopBackOff"));
        JsonNode cs = backoff.path("status").path("containerStatuses").path(0);
        assertTrue(cs.path("restartCount").asInt() >= 1, cs.toString());
        assertEquals(3, cs.path("lastState").path("terminated").path("exitCode").asInt(), cs.toString());
        assertTrue(cs.path("state").path("waiting").path("message").asText().startsWith("back-off 3s restarting failed container=c"), cs.toString());
        assertEquals("Running", backoff.path("status").path("phase").asText(), "OnFailure with a failed container keeps running");
        int before = cs.path("restartCount").asInt();
        await("restarted after the back-off", () -> node.get("crashes"),
                p -> p.path("status").path("containerStatuses").path(0).path("restartCount").asInt() > before);
        node.deleteAndWait("crashes");
    }

    /** The fixture's pod with a 2 s grace period and an env var from the downward API. */
    private static ObjectNode pod(String name, String restartPolicy, String script) {
        ObjectNode p = node.pod(name, restartPolicy, script);
        ObjectNode spec = ((ObjectNode) p.path("spec")).put("terminationGracePeriodSeconds", 2);
        ((ObjectNode) spec.path("containers").path(0)).putArray("env").addObject().put("name", "POD_NAME")
                .putObject("valueFrom").putObject("fieldRef").put("fieldPath", "metadata.name");
        return p;
    }

    private static String address(JsonNode status, String type) {
        for (JsonNode a : status.path("addresses")) {
            if (a.path("type").asText().equals(type)) {
                return a.path("address").asText();
            }
        }
        return null;
    }
}
