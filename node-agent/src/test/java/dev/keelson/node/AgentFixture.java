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
import dev.keelson.cri.image.LocalBusyboxImage;
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
import java.util.function.UnaryOperator;

/**
 * A whole node for end-to-end tests: an API server on SQLite, Keelson's CRI runtime (runc, the
 * CNI bridge in-process, the host's busybox as {@value #IMAGE}) on a socket, and a node agent with
 * short timings. Each suite picks its node name, pod subnet, timings and agent services through a
 * {@link Setup}; suites run in one JVM (one network namespace), so each takes its own subnet.
 */
final class AgentFixture implements AutoCloseable {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String IMAGE = "keelson.test/busybox:1.0";
    /** Short loop periods: 1 s lease renewal and relist, a 2 s first back-off capped at 20 s. */
    static final NodeAgentConfig.Timings TIMINGS = new NodeAgentConfig.Timings(Duration.ofSeconds(1), Duration.ofSeconds(40),
            Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(20));
    private static final Path LIBEXEC = Path.of("../native/target/bin").toAbsolutePath().normalize();

    /**
     * What differs between suites.
     *
     * @param node the node's name
     * @param net pods get 10.{@code net}.0.0/24 on bridge {@code kv<net>}
     * @param timings the agent's loop periods
     * @param config applied last to the agent's config (labels, pod CIDR, another node IP, ...)
     * @param services the agent's optional services (kubelet API, proxy, DNS)
     */
    record Setup(String node, int net, NodeAgentConfig.Timings timings, UnaryOperator<NodeAgentConfig> config,
                 NodeServices services) {
        static Setup of(String node, int net) {
            return new Setup(node, net, TIMINGS, c -> c, NodeServices.none());
        }

        Setup withTimings(NodeAgentConfig.Timings t) {
            return new Setup(node, net, t, config, services);
        }

        /** {@link #timings()} with another first CrashLoopBackOff delay and ceiling. */
        Setup withBackoff(Duration initial, Duration max) {
            NodeAgentConfig.Timings t = timings;
            return withTimings(new NodeAgentConfig.Timings(t.leaseRenew(), t.leaseDuration(), t.statusCheck(), t.statusReport(),
                    t.relist(), initial, max, t.sync()));
        }

        Setup withConfig(UnaryOperator<NodeAgentConfig> c) {
            return new Setup(node, net, timings, c, services);
        }

        Setup withServices(NodeServices s) {
            return new Setup(node, net, timings, config, s);
        }

        String subnet() {
            return "10." + net + ".0.0/24";
        }
    }

    final String node;
    final Path dir;
    final SqliteStore store;
    final ApiServer server;
    final KubeClient client;
    final CriNode runtime;
    final CriConnection cri;
    final NodeAgent agent;
    private final String cgroupParent;

    /** Starts everything under {@code dir}; on failure stops what had started. */
    private AgentFixture(Path dir, Setup setup) throws Exception {
        this.node = setup.node();
        this.dir = dir;
        this.cgroupParent = "/keelson-test-" + node + "-" + ProcessHandle.current().pid();
        try {
            this.store = SqliteStore.open(dir.resolve("state.db"));
            this.server = ApiServer.start(ApiServerConfig.of(dir.resolve("server"), store).withBind("127.0.0.1", 0));
            this.client = new KubeClient(Kubeconfig.load(server.kubeconfig()), "agent-fixture");
            Path conf = Files.createDirectories(dir.resolve("net.d"));
            Files.writeString(conf.resolve("10-test.conflist"), """
                    {"cniVersion": "1.0.0", "name": "podnet", "plugins": [
                      {"type": "bridge", "bridge": "kv%d", "isGateway": true,
                       "ipam": {"type": "host-local", "subnet": "%s", "dataDir": "%s"}}]}
                    """.formatted(setup.net(), setup.subnet(), dir.resolve("ipam")));
            Path socket = Path.of("/run/keelson-test/node-" + System.nanoTime() + ".sock");
            this.runtime = CriNode.start(new CriNode.Options(socket, dir.resolve("cri"), conf, List.of(dir.resolve("bin")),
                    "runc", Map.of(), Set.of(), LIBEXEC, cgroupParent, null));
            LocalBusyboxImage.importInto(runtime.images(), IMAGE, dir.resolve("image"));
            this.cri = CriConnection.open(socket);
            NodeAgentConfig config = NodeAgentConfig.of(node, server.kubeconfig(), socket).withNodeIp("10.250.0.1")
                    .withPodLogDir(dir.resolve("logs")).withRootDir(dir.resolve("root")).withTimings(setup.timings());
            this.agent = NodeAgent.start(setup.config().apply(config), setup.services(),
                    line -> System.out.println("[agent] " + line));
        } catch (Exception | Error e) {
            try {
                close();
            } catch (Exception c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    static AgentFixture start(Path dir, Setup setup) throws Exception {
        return new AgentFixture(dir, setup);
    }

    /** A pod bound to this node with one busybox container running {@code sh -c script}. */
    ObjectNode pod(String name, String script) {
        return pod(name, "Always", script);
    }

    /** {@link #pod(String, String)} with another restart policy. */
    ObjectNode pod(String name, String restartPolicy, String script) {
        ObjectNode p = MAPPER.createObjectNode();
        p.put("apiVersion", "v1").put("kind", "Pod");
        p.putObject("metadata").put("name", name).put("namespace", "default").putObject("labels").put("app", name);
        ObjectNode spec = p.putObject("spec").put("nodeName", node).put("restartPolicy", restartPolicy)
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

    /** Stops the agent, removes what pods left behind, then stops the runtime and the API server. */
    @Override
    public void close() throws Exception {
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
        Tmpfs.unmountUnder(dir.resolve("root")); // pods a failed test left behind
        Cgroups.remove(cgroupParent);
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }
}
