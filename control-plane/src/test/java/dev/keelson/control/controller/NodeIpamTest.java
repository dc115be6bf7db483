package dev.keelson.control.controller;

import static dev.keelson.control.controller.ControllersTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.api.ApiServerConfig;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.control.client.Resource;
import dev.keelson.control.model.Cidr;
import dev.keelson.control.store.sqlite.SqliteStore;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Node podCIDRs handed out by {@link NodeIpamController} against a real API server. */
class NodeIpamTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    @TempDir
    static Path dir;
    static SqliteStore store;
    static ApiServer server;
    static KubeClient client;
    Informer nodes;
    NodeIpamController ipam;

    @BeforeAll
    static void start() throws Exception {
        store = SqliteStore.open(dir.resolve("state.db"));
        server = ApiServer.start(ApiServerConfig.of(dir.resolve("server"), store).withBind("127.0.0.1", 0));
        client = new KubeClient(Kubeconfig.load(server.kubeconfig()), "ipam-test");
    }

    @AfterAll
    static void stop() {
        server.close();
        store.close();
    }

    @AfterEach
    void cleanUp() {
        stopController();
        for (JsonNode n : client.list(Resource.NODES, null, null).path("items")) {
            client.delete(Resource.NODES, null, n.path("metadata").path("name").asText(), null);
        }
    }

    void startController(NodeIpamController.Options options) throws Exception {
        nodes = new Informer(client, Resource.NODES, null, null, null);
        ipam = new NodeIpamController(client, nodes, options);
        nodes.start();
        assertTrue(nodes.awaitSynced(Duration.ofSeconds(10)));
        ipam.start(1);
    }

    void stopController() {
        if (ipam != null) {
            ipam.close();
            nodes.close();
            ipam = null;
        }
    }

    static void node(String name, String podCidr) {
        ObjectNode n = MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Node");
        n.putObject("metadata").put("name", name);
        if (podCidr != null) {
            n.putObject("spec").put("podCIDR", podCidr).putArray("podCIDRs").add(podCidr);
        }
        client.create(Resource.NODES, null, n);
    }

    static String podCidr(String name) throws Exception {
        JsonNode n = await("podCIDR of " + name, () -> client.get(Resource.NODES, null, name),
                o -> !o.path("spec").path("podCIDR").asText("").isEmpty());
        assertEquals("[\"" + n.path("spec").path("podCIDR").asText() + "\"]", n.path("spec").path("podCIDRs").toString());
        return n.path("spec").path("podCIDR").asText();
    }

    @Test
    void everyNodeGetsItsOwnSubnetOfTheClusterCidr() throws Exception {
        startController(NodeIpamController.Options.DEFAULTS);
        Set<String> seen = new HashSet<>();
        Cidr cluster = Cidr.parse("10.244.0.0/16");
        for (int i = 0; i < 5; i++) {
            node("n" + i, null);
        }
        for (int i = 0; i < 5; i++) {
            String c = podCidr("n" + i);
            Cidr parsed = Cidr.parse(c);
            assertEquals(24, parsed.bits(), c);
            assertTrue(cluster.contains(parsed.network()), c);
            assertTrue(seen.add(c), "subnet " + c + " given twice");
        }
    }

    @Test
    void subnetsNodesAlreadyHaveAreNeverHandedOutAgain() throws Exception {
        // Two nodes hold subnets from before the controller (re)started: the table is rebuilt from them.
        node("old-a", "10.250.0.0/24");
        node("old-b", "10.250.1.0/24");
        startController(new NodeIpamController.Options("10.250.0.0/22", 24));
        node("new-c", null);
        node("new-d", null);
        assertEquals(Set.of("10.250.2.0/24", "10.250.3.0/24"), Set.of(podCidr("new-c"), podCidr("new-d")));
        assertEquals("10.250.0.0/24", client.get(Resource.NODES, null, "old-a").path("spec").path("podCIDR").asText());
        assertEquals(4, ipam.used());
    }

    @Test
    void aDeletedNodesSubnetGoesToTheNextNodeWaiting() throws Exception {
        startController(new NodeIpamController.Options("10.251.0.0/23", 24));
        node("a", null);
        node("b", null);
        String ofA = podCidr("a");
        podCidr("b");
        node("c", null);  // the range is full: c waits
        Thread.sleep(500);
        assertEquals("", client.get(Resource.NODES, null, "c").path("spec").path("podCIDR").asText(""));
        client.delete(Resource.NODES, null, "a", null);
        assertEquals(ofA, podCidr("c"));
    }

    @Test
    void theControllerManagerRunsNodeIpamWithItsOptions() throws Exception {
        var options = ControllerManager.Options.DEFAULTS.withNodeIpam(new NodeIpamController.Options("10.252.0.0/16", 26));
        try (ControllerManager manager = new ControllerManager(client, "ipam-manager", options).start()) {
            node("managed", null);
            Cidr c = Cidr.parse(podCidr("managed"));
            assertEquals(26, c.bits());
            assertTrue(Cidr.parse("10.252.0.0/16").contains(InetAddress.getByName(c.network().getHostAddress())));
        }
    }
}
