package dev.keelson.node.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.api.ApiServerConfig;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.control.client.Resource;
import dev.keelson.control.store.sqlite.SqliteStore;
import dev.keelson.linux.Flags;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.Veth;
import dev.keelson.netns.route.Route;
import dev.keelson.netns.route.Routes;
import dev.keelson.proxy.backend.NftBackend;
import dev.keelson.proxy.conntrack.Conntrack;
import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's Service proxy fed by a real API server: a fresh "node" namespace (never the test
 * JVM's own) where the nftables rules go, joined by a veth pair to a "pod" namespace running a
 * small TCP server. A Service with an explicit ClusterIP and an EndpointSlice pointing at the pod
 * are created through the API; connections from the node to ClusterIP:port must reach the pod,
 * and stop being proxied when the Service is deleted; closing the proxy removes the table.
 *
 * <pre>
 *   node (nft table keelson; veth "pod0" 10.77.0.1/24) ── eth0 10.77.0.2/24 pod (listens on :8080)
 * </pre>
 */
@KernelTest
class NodeProxyTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CLUSTER_IP = "10.96.7.7";

    @TempDir
    Path dir;
    SqliteStore store;
    ApiServer server;
    KubeClient client;
    NetNamespace node;
    NetNamespace pod;
    ServerSocket listener;

    @BeforeEach
    void setUp() throws Exception {
        store = SqliteStore.open(dir.resolve("state.db"));
        server = ApiServer.start(ApiServerConfig.of(dir.resolve("server"), store).withBind("127.0.0.1", 0));
        client = new KubeClient(Kubeconfig.load(server.kubeconfig()), "node-proxy-test");
        String tag = "np" + ProcessHandle.current().pid() % 100000;
        node = NetNamespace.create(tag + "-node");
        pod = NetNamespace.create(tag + "-pod");
        try (Rtnetlink n = Rtnetlink.open(node); Rtnetlink p = Rtnetlink.open(pod)) {
            Links links = new Links(n);
            links.setUp("lo");
            links.add(Veth.named("pod0").peer("eth0", pod).up());
            new Addresses(n).add(Address.of(links.indexOf("pod0"), "10.77.0.1/24"));
            // A locally generated packet to a ClusterIP needs a route before DNAT re-routes it, as a node's default route gives.
            new Routes(n).add(Route.defaultRoute(Flags.AF_INET).withGateway(InetAddresses.parse("10.77.0.2")));
            Links pl = new Links(p);
            pl.setUp("lo");
            pl.setUp("eth0");
            new Addresses(p).add(Address.of(pl.indexOf("eth0"), "10.77.0.2/24"));
            new Routes(p).add(Route.defaultRoute(Flags.AF_INET).withGateway(InetAddresses.parse("10.77.0.1")));
        }
        listener = pod.run(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress("10.77.0.2", 8080));
            return s;
        });
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try (Socket c = listener.accept(); OutputStream o = c.getOutputStream()) {
                    o.write(("hello from the pod, you are " + c.getInetAddress().getHostAddress() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // closed at the end of the test
                }
            }
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        if (listener != null) {
            listener.close();
        }
        for (NetNamespace ns : new NetNamespace[] {pod, node}) {
            if (ns != null) {
                ns.delete();
            }
        }
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void trafficToAClusterIpReachesThePodUntilTheServiceIsDeleted() throws Exception {
        NodeProxy.Options options = new NodeProxy.Options(() -> node.run(NftBackend::open), () -> node.run(Conntrack::open),
                List.of("10.77.0.0/16"), List.of("10.96.0.0/12"), Duration.ofMillis(100), false);
        NodeProxy proxy = NodeProxy.start(client, "n1", List.of(InetAddresses.parse("10.77.0.1")), options,
                line -> System.out.println("[proxy] " + line));
        try {
            assertEquals("", connect(), "no Service yet: nothing answers on the ClusterIP");
            client.create(Resource.SERVICES, "default", service());
            client.create(Resource.ENDPOINTSLICES, "default", slice());
            await("traffic to " + CLUSTER_IP + ":80 reaches the pod", () -> connect().startsWith("hello from the pod"));
            // The node's address is inside the cluster CIDR, so the client address is kept (no masquerade).
            assertTrue(connect().startsWith("hello from the pod, you are 10.77.0.1"), connect());
            assertTrue(proxy.proxier().show().contains(CLUSTER_IP), "the ClusterIP is in the nft table");

            client.delete(Resource.SERVICES, "default", "web", null);
            await("rules for the deleted Service gone", () -> !proxy.proxier().show().contains(CLUSTER_IP + " . tcp . 80"));
            assertEquals("", connect(), "a deleted Service is no longer proxied");
        } finally {
            proxy.close();
        }
        assertEquals("", node.run(() -> {
            try (NftBackend b = NftBackend.open()) {
                return b.show();
            }
        }), "closing the proxy removes the table");
        assertFalse(listener.isClosed());
    }

    /** What ClusterIP:80 answers from the node namespace, or "" when the connection fails. */
    private String connect() {
        return node.run(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(CLUSTER_IP, 80), 1000);
                s.setSoTimeout(2000);
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    private static ObjectNode service() {
        ObjectNode s = MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Service");
        s.putObject("metadata").put("name", "web").put("namespace", "default");
        ObjectNode spec = s.putObject("spec").put("type", "ClusterIP").put("clusterIP", CLUSTER_IP);
        spec.putArray("clusterIPs").add(CLUSTER_IP);
        spec.putObject("selector").put("app", "web");
        spec.putArray("ports").addObject().put("name", "http").put("port", 80).put("targetPort", 8080).put("protocol", "TCP");
        return s;
    }

    private static ObjectNode slice() {
        ObjectNode e = MAPPER.createObjectNode().put("apiVersion", "discovery.k8s.io/v1").put("kind", "EndpointSlice");
        e.putObject("metadata").put("name", "web-abc12").put("namespace", "default").putObject("labels")
                .put("kubernetes.io/service-name", "web");
        e.put("addressType", "IPv4");
        ObjectNode ep = e.putArray("endpoints").addObject();
        ep.putArray("addresses").add("10.77.0.2");
        ep.putObject("conditions").put("ready", true).put("serving", true).put("terminating", false);
        ep.put("nodeName", "n1");
        e.putArray("ports").addObject().put("name", "http").put("port", 8080).put("protocol", "TCP");
        return e;
    }

    private static void await(String what, BooleanSupplier ok) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (ok.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting until " + what);
    }
}
