package dev.keelson.node;

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
import dev.keelson.cri.api.v1.ExecSyncRequest;
import dev.keelson.cri.api.v1.ExecSyncResponse;
import dev.keelson.cri.sandbox.Cgroups;
import dev.keelson.cri.server.CriNode;
import dev.keelson.node.cri.CriConnection;
import dev.keelson.node.volume.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A whole node for end-to-end tests: an API server on SQLite, Keelson's CRI runtime (runc, the
 * CNI bridge in-process, the busybox image) on a socket, and a node agent with short timings.
 */
final class AgentFixture implements AutoCloseable {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String IMAGE = "keelson.test/busybox:1.0";
    private static final Path LIBEXEC = Path.of("../native/target/bin").toAbsolutePath().normalize();

    final String node;
    final Path dir;
    final SqliteStore store;
    final ApiServer server;
    final KubeClient client;
    final CriNode runtime;
    final CriConnection cri;
    final NodeAgent agent;
    private final String cgroupParent;

    private AgentFixture(String node, Path dir, SqliteStore store, ApiServer server, KubeClient client, CriNode runtime,
                         CriConnection cri, NodeAgent agent, String cgroupParent) {
        this.node = node;
        this.dir = dir;
        this.store = store;
        this.server = server;
        this.client = client;
        this.runtime = runtime;
        this.cri = cri;
        this.agent = agent;
        this.cgroupParent = cgroupParent;
    }

    /** Starts everything under {@code dir}; pods get 10.{@code net}.0.0/24. */
    static AgentFixture start(Path dir, String node, int net, Duration sync) throws Exception {
        SqliteStore store = SqliteStore.open(dir.resolve("state.db"));
        ApiServer server = ApiServer.start(ApiServerConfig.of(dir.resolve("server"), store).withBind("127.0.0.1", 0));
        KubeClient client = new KubeClient(Kubeconfig.load(server.kubeconfig()), "agent-fixture");
        Path conf = Files.createDirectories(dir.resolve("net.d"));
        Files.writeString(conf.resolve("10-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "podnet", "plugins": [
                  {"type": "bridge", "bridge": "kv%d", "isGateway": true,
                   "ipam": {"type": "host-local", "subnet": "10.%d.0.0/24", "dataDir": "%s"}}]}
                """.formatted(net, net, dir.resolve("ipam")));
        Path socket = Path.of("/run/keelson-test/node-" + System.nanoTime() + ".sock");
        String cgroupParent = "/keelson-test-" + node + "-" + ProcessHandle.current().pid();
        CriNode runtime = CriNode.start(new CriNode.Options(socket, dir.resolve("cri"), conf, List.of(dir.resolve("bin")), "runc",
                Map.of(), Set.of(), LIBEXEC, cgroupParent, null));
        runtime.images().importLayout(BusyboxImage.write(Files.createDirectories(dir.resolve("image")), IMAGE), IMAGE);
        CriConnection cri = CriConnection.open(socket);
        NodeAgentConfig.Timings t = new NodeAgentConfig.Timings(Duration.ofSeconds(1), Duration.ofSeconds(40),
                Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(20))
                .withSync(sync);
        NodeAgent agent = NodeAgent.start(NodeAgentConfig.of(node, server.kubeconfig(), socket).withNodeIp("10.250.0.1")
                .withPodLogDir(dir.resolve("logs")).withRootDir(dir.resolve("root")).withTimings(t),
                line -> System.out.println("[agent] " + line));
        return new AgentFixture(node, dir, store, server, client, runtime, cri, agent, cgroupParent);
    }

    /** A pod bound to this node with one busybox container running {@code sh -c script}. */
    ObjectNode pod(String name, String script) {
        ObjectNode p = MAPPER.createObjectNode();
        p.put("apiVersion", "v1").put("kind", "Pod");
        p.putObject("metadata").put("name", name).put("namespace", "default").putObject("labels").put("app", name);
        ObjectNode spec = p.putObject("spec").put("nodeName", node).put("restartPolicy", "Always")
                .put("terminationGracePeriodSeconds", 1);
        container(spec.putArray("containers").addObject(), "c", script);
        return p;
    }

    static ObjectNode container(ObjectNode c, String name, String script) {
        c.put("name", name).put("image", IMAGE).put("imagePullPolicy", "IfNotPresent");
        c.putArray("command").add("/bin/busybox").add("sh").add("-c").add(script);
        return c;
    }

    ObjectNode get(String name) {
        return client.get(Resource.PODS, "default", name);
    }

    /** The CRI id of a pod's container, from its status. */
    String containerId(String pod, String container) {
        for (JsonNode cs : get(pod).path("status").path("containerStatuses")) {
            if (cs.path("name").asText().equals(container)) {
                String id = cs.path("containerID").asText();
                return id.substring(id.indexOf("://") + 3);
            }
        }
        throw new AssertionError("no status for container " + container + " of " + pod);
    }

    /** Runs a busybox applet in a container; returns stdout (fails on a non-zero exit). */
    String exec(String pod, String container, String... args) {
        ExecSyncRequest.Builder r = ExecSyncRequest.newBuilder().setContainerId(containerId(pod, container)).setTimeout(10)
                .addCmd("/bin/busybox");
        for (String a : args) {
            r.addCmd(a);
        }
        ExecSyncResponse resp = cri.runtime().execSync(r.build());
        if (resp.getExitCode() != 0) {
            throw new AssertionError("exec " + List.of(args) + " exited " + resp.getExitCode() + ": " + resp.getStderr().toStringUtf8());
        }
        return resp.getStdout().toStringUtf8();
    }

    JsonNode awaitPod(String what, String name, Predicate<JsonNode> ok) throws Exception {
        return await(what, () -> get(name), ok);
    }

    static JsonNode await(String what, Supplier<JsonNode> get, Predicate<JsonNode> ok) throws Exception {
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

    static boolean running(JsonNode pod, String container) {
        for (JsonNode cs : pod.path("status").path("containerStatuses")) {
            if (cs.path("name").asText().equals(container)) {
                return cs.path("state").has("running");
            }
        }
        return false;
    }

    static JsonNode condition(JsonNode pod, String type) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return MAPPER.createObjectNode();
    }

    void deleteAndWait(String name) throws Exception {
        client.delete(Resource.PODS, "default", name, MAPPER.createObjectNode().put("gracePeriodSeconds", 1));
        await(name + " deleted", () -> {
            try {
                return get(name);
            } catch (ApiException e) {
                return MAPPER.createObjectNode().put("gone", e.notFound());
            }
        }, p -> p.path("gone").asBoolean());
    }

    @Override
    public void close() throws Exception {
        agent.close();
        for (var r : runtime.sandboxes().list()) {
            try {
                runtime.sandboxes().remove(r.id());
            } catch (RuntimeException e) {
                System.err.println("cleanup of sandbox " + r.id() + ": " + e);
            }
        }
        runtime.rootfs().removeLeftovers(List.of());
        runtime.close();
        cri.close();
        Tmpfs.unmountUnder(dir.resolve("root")); // pods a failed test left behind

        Cgroups.remove(cgroupParent);
        server.close();
        store.close();
    }
}
