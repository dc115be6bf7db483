package dev.keelson.bench.scheduler;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.bench.api.PodManifests;
import dev.keelson.bench.api.RestClient;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.api.ApiServerConfig;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.control.store.sqlite.SqliteStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * A cluster without kubelets for the scheduler to work on: an API server on a fresh SQLite store
 * in this JVM, Node objects with allocatable resources and the Ready condition (as registered
 * kubelets leave them), and pods created through the API in namespace {@value #NAMESPACE}.
 */
final class SimulatedCluster implements AutoCloseable {
    static final String NAMESPACE = "bench";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final SqliteStore store;
    private final ApiServer server;
    private final RestClient client;

    private SimulatedCluster(Path dir, SqliteStore store, ApiServer server, RestClient client) {
        this.dir = dir;
        this.store = store;
        this.server = server;
        this.client = client;
    }

    static SimulatedCluster start() throws Exception {
        Path dir = Files.createTempDirectory("keelson-bench-scheduler-");
        SqliteStore store = SqliteStore.open(dir.resolve("state.db"));
        try {
            ApiServer server = ApiServer.start(ApiServerConfig.of(dir.resolve("server"), store).withBind("127.0.0.1", 0));
            RestClient client = new RestClient(server.url(), server.pki().clientContext(), server.adminToken());
            client.create("/api/v1/namespaces", PodManifests.namespace(NAMESPACE));
            return new SimulatedCluster(dir, store, server, client);
        } catch (Exception e) {
            store.close();
            dev.keelson.linux.FileTrees.delete(dir);
            throw e;
        }
    }

    RestClient client() {
        return client;
    }

    /** A client for the scheduler, as a separate process would load it from the admin kubeconfig. */
    KubeClient schedulerClient() throws IOException {
        return new KubeClient(Kubeconfig.load(server.kubeconfig()), "keelson-bench-scheduler");
    }

    /** Creates nodes {@code node-0 … node-(n-1)} by 64 clients. */
    void createNodes(int n) throws InterruptedException {
        createAll(n, i -> PodManifests.node("node-" + i), "/api/v1/nodes");
    }

    /** Creates pending pods {@code prefix-0 …} by 64 clients. */
    void createPods(String prefix, int n) throws InterruptedException {
        createAll(n, i -> PodManifests.pod(NAMESPACE, prefix + "-" + i), "/api/v1/namespaces/" + NAMESPACE + "/pods");
    }

    /** Creates pod {@code name}. */
    void createPod(String name) {
        client.create("/api/v1/namespaces/" + NAMESPACE + "/pods", PodManifests.pod(NAMESPACE, name));
    }

    /** The current resourceVersion of the namespace's pods (a list of one). */
    String podsResourceVersion() throws IOException {
        byte[] list = client.get("/api/v1/namespaces/" + NAMESPACE + "/pods?limit=1");
        return JSON.readTree(list).path("metadata").path("resourceVersion").asText();
    }

    private void createAll(int n, IntFunction<byte[]> body, String path) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 64; w++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = next.getAndIncrement(); i < n && failure.get() == null; i = next.getAndIncrement()) {
                    try {
                        client.create(path, body.apply(i));
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        store.close();
        dev.keelson.linux.FileTrees.delete(dir);
    }

}
