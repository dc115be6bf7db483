package dev.keelson.control.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.api.ApiServerConfig;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.control.client.Resource;
import dev.keelson.control.controller.ControllerManager;
import dev.keelson.control.controller.HorizontalPodAutoscalerController;
import dev.keelson.control.controller.LeaderElector;
import dev.keelson.control.controller.NodeLifecycleController;
import dev.keelson.control.controller.SimulatedKubelet;
import dev.keelson.control.scheduler.Profile;
import dev.keelson.control.scheduler.Scheduler;
import dev.keelson.control.scheduler.plugins.NodeResourcesFit;
import dev.keelson.control.store.sqlite.SqliteStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One whole single-node-style cluster for the end-to-end suite: the API server on a SQLite store,
 * the scheduler, the controller manager (every controller) and a {@link SimulatedKubelet} for two
 * nodes, so that Deployments roll out, pods become Ready and deletions with dependents finish.
 * Started once per test JVM by {@link ClusterExtension} and shared by every e2e class; tests keep
 * apart by namespace.
 */
final class Cluster implements AutoCloseable {
    static final ObjectMapper MAPPER = new ObjectMapper();

    final Path dir;
    final SqliteStore store;
    final ApiServer server;
    final KubeClient client;
    private final Scheduler scheduler;
    private final ControllerManager controllers;
    private final SimulatedKubelet kubelet;

    private Cluster(Path dir) throws Exception {
        this.dir = dir;
        this.store = SqliteStore.open(dir.resolve("store.db"));
        this.server = ApiServer.start(ApiServerConfig.of(dir.resolve("server"), store).withBind("127.0.0.1", 0));
        this.client = new KubeClient(Kubeconfig.load(server.kubeconfig()), "keelson-e2e");
        ensureNamespace("default");
        this.kubelet = new SimulatedKubelet(client, "node-a", "node-b");
        this.scheduler = new Scheduler(client, Profile.defaults(NodeResourcesFit.Strategy.LEAST_ALLOCATED), true)
                .start(Duration.ofSeconds(20));
        // The simulated nodes post no heartbeats: a one-hour grace period keeps the node lifecycle
        // controller from tainting them in the middle of the suite.
        var options = new ControllerManager.Options(2, LeaderElector.Timing.DEFAULTS,
                new NodeLifecycleController.Options(Duration.ofHours(1), Duration.ofHours(1)),
                HorizontalPodAutoscalerController.Options.DEFAULTS, Duration.ofSeconds(30), null);
        this.controllers = new ControllerManager(client, "e2e", options).withLocalPathRoot(dir.resolve("local-path"))
                .start();
        await("controller manager leading", () -> MAPPER.getNodeFactory().booleanNode(controllers.isLeader()
                && controllers.running() > 0), JsonNode::asBoolean);
    }

    static Cluster start() {
        try {
            return new Cluster(Files.createTempDirectory("keelson-e2e-"));
        } catch (Exception e) {
            throw new IllegalStateException("starting the e2e cluster: " + e.getMessage(), e);
        }
    }

    /** Creates a namespace (tolerating one that exists) and returns its name. */
    String ensureNamespace(String name) {
        ObjectNode ns = MAPPER.createObjectNode();
        ns.put("apiVersion", "v1").put("kind", "Namespace").putObject("metadata").put("name", name);
        try {
            client.create(Resource.NAMESPACES, null, ns);
        } catch (ApiException e) {
            if (!e.alreadyExists()) {
                throw e;
            }
        }
        return name;
    }

    /** Reads an object through the API, or null when it does not exist. */
    ObjectNode find(Resource r, String namespace, String name) {
        try {
            return client.get(r, namespace, name);
        } catch (ApiException e) {
            if (e.notFound()) {
                return null;
            }
            throw e;
        }
    }

    /** Polls {@code get} until {@code ok} holds (30 s at most); returns the value that passed. */
    static JsonNode await(String what, Supplier<JsonNode> get, Predicate<JsonNode> ok) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get.get();
                if (last != null && ok.test(last)) {
                    return last;
                }
            } catch (ApiException e) {
                last = MAPPER.createObjectNode().put("error", e.getMessage());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
        throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
    }

    @Override
    public void close() throws IOException {
        controllers.close();
        scheduler.close();
        kubelet.close();
        server.close();
        store.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
