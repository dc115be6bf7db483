package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keelson up --nodes 3} as a process, driven with kubectl 1.33: three node JVMs in their own
 * network namespaces on an underlay bridge, each with its podCIDR and host-gateway routes to the
 * others'. A Deployment spreads over all three nodes; a client pod on node 1 and one on node 3 each
 * reach a pod on another node by IP, through the ClusterIP and through the Service's DNS name
 * (busybox nslookup + nc), and the Service spreads their requests over every node's pod; kubectl
 * exec reaches the kubelet of node 3 over the underlay; a Deployment rolled out over the nodes is
 * undone. Killing node 3's JVM (SIGKILL, by the pid in up.json) makes its pod move to the other
 * nodes after the (shortened) grace period and the pods' own 5 s unreachable toleration. Then
 * {@code keelson down} leaves no pin, mount, cgroup, run directory or host link behind. Run once per
 * overlay: host-gw (one L2 underlay) and vxlan (a routed underlay, pods joined by VXLAN).
 */
@KernelTest
class MultiNodeUpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = ClusterScenarios.IMAGE;
    private static final int REQUESTS = 12;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "--overlay {0}")
    @ValueSource(strings = {"host-gw", "vxlan"})
    void threeNodesRoutePodsAndServicesAcrossTheUnderlayAndEvictADeadNode(String overlay) throws Exception {
        List<String> before = UpProcess.netnsPins();
        UpProcess c = new UpProcess(tmp, "multi", "--nodes", "3", "--overlay", overlay, "--node-monitor-grace-period", "20");
        try {
            c.awaitUp();
            for (String node : List.of("multi-node1", "multi-node2", "multi-node3")) {
                assertTrue(c.awaitText("True", "get", "node", node, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"),
                        node + " never Ready:\n" + c.kubectl("get", "nodes", "-o", "wide") + "\n" + c.log());
            }
            assertEquals(List.of("keelson-multi-node1", "keelson-multi-node2", "keelson-multi-node3", "keelson-multi-underlay"),
                    UpProcess.withoutPool(UpProcess.added(before)));
            assertEquals("10.244.0.0/24 172.30.0.1", c.kubectl("get", "node", "multi-node1", "-o",
                    "jsonpath={.spec.podCIDR} {.status.addresses[?(@.type==\"InternalIP\")].address}"));
            assertEquals("10.244.1.0/24 172.30.0.2", c.kubectl("get", "node", "multi-node2", "-o",
                    "jsonpath={.spec.podCIDR} {.status.addresses[?(@.type==\"InternalIP\")].address}"));
            assertEquals("10.244.2.0/24 172.30.0.3", c.kubectl("get", "node", "multi-node3", "-o",
                    "jsonpath={.spec.podCIDR} {.status.addresses[?(@.type==\"InternalIP\")].address}"));
            boolean vxlan = overlay.equals("vxlan");
            if (vxlan) {
                String routes = inNode("node1", "ip", "route");
                assertTrue(routes.contains("172.30.0.0/24 via 169.254.1.1") && !routes.contains("172.30.0.0/24 dev"),
                        "a routed underlay: the nodes share no L2 segment:\n" + routes);
                String fdb = inNode("node1", "bridge", "fdb", "show", "dev", "keelson.vxlan");
                assertTrue(UpProcess.await(20_000, () -> inNode("node1", "bridge", "fdb", "show", "dev", "keelson.vxlan")
                        .contains("0e:76:ac:1e:00:03 dst 172.30.0.3")), "node 3's VTEP in node 1's forwarding table: " + fdb);
            }
            for (int k = 1; k <= 3; k++) {
                for (int other = 1; other <= 3; other++) {
                    String route = vxlan ? "10.244." + (other - 1) + ".0/24 via 10.244." + (other - 1) + ".0 dev keelson.vxlan"
                            : "10.244." + (other - 1) + ".0/24 via 172.30.0." + other;
                    String node = "node" + k;
                    assertTrue(other == k || UpProcess.await(20_000, () -> inNode(node, "ip", "route", "show", "proto", "99").contains(route)),
                            node + " lacks " + route + ": " + inNode(node, "ip", "route"));
                }
            }

            c.kubectlWithInput(list(deployment(), service()), "apply", "-f", "-");
            assertTrue(UpProcess.await(120_000, () -> running(c).size() == 3 && running(c).stream().allMatch(p -> p.ready)),
                    "web pods not ready: " + c.kubectl("get", "pods", "-o", "wide") + "\n" + c.log());
            List<WebPod> web = running(c);
            WebPod on1 = onNode(web, 1);
            WebPod on2 = onNode(web, 2);
            WebPod on3 = onNode(web, 3);
            assertTrue(on1.ip.startsWith("10.244.0.") && on2.ip.startsWith("10.244.1.") && on3.ip.startsWith("10.244.2."),
                    "pod IPs from each node's podCIDR: " + web);
            String clusterIp = c.kubectl("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}");

            // from node 1 to the pod on node 2 and from node 3 to the pod on node 1: by IP, by ClusterIP, by DNS name
            c.kubectlWithInput(list(client("client1", "multi-node1", on2.ip, clusterIp), client("client2", "multi-node3", on1.ip, clusterIp)),
                    "apply", "-f", "-");
            for (String client : List.of("client1", "client2")) {
                assertTrue(c.awaitText("Succeeded", "get", "pod", client, "-o", "jsonpath={.status.phase}"),
                        client + ": " + c.kubectl("describe", "pod", client) + "\n" + c.log());
            }
            String log1 = c.kubectl("logs", "client1");
            String log2 = c.kubectl("logs", "client2");
            assertTrue(log1.contains("direct: hello from " + on2.name), "node 1 → pod on node 2 by IP:\n" + log1);
            assertTrue(log2.contains("direct: hello from " + on1.name), "node 3 → pod on node 1 by IP:\n" + log2);
            for (String log : List.of(log1, log2)) {
                assertTrue(log.contains("resolved " + clusterIp), "the Service's name resolves to its ClusterIP:\n" + log);
                assertFalse(log.contains("FAILED"), log);
                assertEquals(REQUESTS, count(log, "cip: hello from "), log);
                assertEquals(REQUESTS, count(log, "dns: hello from "), log);
                int nodesSeen = 0;
                for (String pod : List.of(on1.name, on2.name, on3.name)) {
                    nodesSeen += log.contains("hello from " + pod) ? 1 : 0;
                }
                assertTrue(nodesSeen >= 2, "the Service spreads over the nodes' pods:\n" + log);
            }
            assertEquals(on3.name, c.kubectl("exec", on3.name, "--", "hostname"), "kubectl exec reaches node 3's kubelet");
            new ClusterScenarios(c).rolloutAndUndo(3);

            // node 3's JVM dies: after the grace period and the eviction timeout its pod is replaced on nodes 1 and 2
            long pid = JSON.readTree(Files.readString(c.run.resolve("up.json"))).path("nodePids").path(2).asLong();
            ProcessHandle node3 = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("node 3's process " + pid + " is not running"));
            long killed = System.nanoTime();
            node3.destroyForcibly();
            node3.onExit().get(20, TimeUnit.SECONDS);
            assertTrue(c.awaitText("Unknown", "get", "node", "multi-node3", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"),
                    c.kubectl("describe", "node", "multi-node3"));
            assertTrue(UpProcess.await(120_000, () -> {
                List<WebPod> now = running(c);
                return now.size() == 3 && now.stream().allMatch(p -> !p.node.equals("multi-node3") && p.ready);
            }), "web pods did not move off node 3: " + c.kubectl("get", "pods", "-o", "wide") + "\n" + c.log());
            System.out.printf("node 3 killed → its pod replaced on the other nodes in %.1f s%n", (System.nanoTime() - killed) / 1e9);
            assertTrue(c.log().contains("the process of node 3 (pid " + pid + ") exited"), c.log());
            assertTrue(c.process.isAlive(), "the cluster outlives a worker node");

            Main.run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), c.downArgs());
            assertTrue(c.process.waitFor(60, TimeUnit.SECONDS), "keelson up did not stop after down; its log:\n" + c.log());
            assertTrue(c.log().contains("node 3 did not remove its pods; removing them now"), c.log());
        } finally {
            c.kill();
            c.downIfLeft();
        }
        assertEquals(List.of(), UpProcess.added(before), "no netns pin is left");
        assertEquals(0, UpProcess.mountsUnder(c.data), "no mount is left under the data dir");
        assertFalse(Files.exists(c.run), "the run directory is removed");
        for (String group : List.of("keelson-multi", "keelson-multi-node2", "keelson-multi-node3")) {
            assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory", group)), "cgroup " + group + " is removed");
        }
        assertEquals(List.of("lo"), UpProcess.hostLinks(), "the host's namespace keeps only lo");
    }

    private static String inNode(String node, String... command) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=/run/netns/keelson-multi-" + node, "--"));
        argv.addAll(List.of(command));
        return Command.ok(argv.toArray(String[]::new));
    }

    private record WebPod(String name, String node, String ip, boolean ready) {
    }

    /** The web pods that are not being deleted. */
    private static List<WebPod> running(UpProcess c) {
        try {
            JsonNode list = JSON.readTree(c.kubectl("get", "pods", "-l", "app=web", "-o", "json"));
            List<WebPod> out = new ArrayList<>();
            for (JsonNode p : list.path("items")) {
                if (p.path("metadata").has("deletionTimestamp") || !p.path("status").path("phase").asText().equals("Running")) {
                    continue;
                }
                boolean ready = false;
                for (JsonNode cond : p.path("status").path("conditions")) {
                    ready |= cond.path("type").asText().equals("Ready") && cond.path("status").asText().equals("True");
                }
                out.add(new WebPod(p.path("metadata").path("name").asText(), p.path("spec").path("nodeName").asText(),
                        p.path("status").path("podIP").asText(), ready));
            }
            return out;
        } catch (Exception e) {
            return List.of();
        }
    }

    private static WebPod onNode(List<WebPod> web, int k) {
        return web.stream().filter(p -> p.node.equals("multi-node" + k)).findFirst()
                .orElseThrow(() -> new AssertionError("no web pod on node " + k + ": " + web));
    }

    private static String list(String... objects) {
        return ClusterScenarios.list(objects);
    }

    private static int count(String text, String what) {
        return (int) text.lines().filter(l -> l.contains(what)).count();
    }

    /**
     * Three busybox httpd pods naming themselves, spread over the nodes by hostname (ScheduleAnyway: a
     * dead node must not block), tolerating an unreachable node for 5 s instead of the default 300 s.
     */
    private static String deployment() {
        return """
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                 "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                  "template": {"metadata": {"labels": {"app": "web"}},
                   "spec": {"terminationGracePeriodSeconds": 1,
                    "tolerations": [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 5},
                      {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 5}],
                    "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
                      "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"app": "web"}}}],
                    "containers": [{"name": "httpd", "image": "%s", "imagePullPolicy": "Never",
                     "command": ["sh", "-c", "mkdir -p /www && echo \\"hello from $(hostname)\\" > /www/index.html && exec httpd -f -p 8080 -h /www"],
                     "ports": [{"containerPort": 8080}],
                     "readinessProbe": {"tcpSocket": {"port": 8080}, "periodSeconds": 1}}]}}}}
                """.formatted(IMAGE);
    }

    private static String service() {
        return """
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                 "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}
                """;
    }

    /**
     * A pod on {@code node} that fetches the page of the pod at {@code podIp} directly, then
     * {@value #REQUESTS} times through the ClusterIP and through the Service's DNS name (nslookup,
     * then nc: the static busybox's wget crashes on glibc NSS in a bare rootfs).
     */
    private static String client(String name, String node, String podIp, String clusterIp) {
        String get = "printf 'GET / HTTP/1.0\\\\r\\\\n\\\\r\\\\n' | nc -w 3";
        String script = "echo direct: $(" + get + " " + podIp + " 8080 | tail -n 1); "
                + "h=$(nslookup web.default.svc.cluster.local | awk '/^Address: /{a=$2} END{print a}'); echo resolved $h; "
                + "for i in $(seq " + REQUESTS + "); do r=$(" + get + " " + clusterIp + " 80 | tail -n 1); echo cip: ${r:-FAILED}; done; "
                + "for i in $(seq " + REQUESTS + "); do r=$(" + get + " $h 80 | tail -n 1); echo dns: ${r:-FAILED}; done";
        return """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s"},
                 "spec": {"nodeName": "%s", "restartPolicy": "Never", "terminationGracePeriodSeconds": 1,
                  "containers": [{"name": "client", "image": "%s", "imagePullPolicy": "Never", "command": ["sh", "-c", "%s"]}]}}
                """.formatted(name, node, IMAGE, script);
    }
}
