package dev.keelson.control.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.control.api.ApiServer;
import dev.keelson.control.api.ApiServerConfig;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.control.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real API server on a SQLite store in a test directory, a client for it, and real kubectl 1.33. */
final class TestControlPlane implements AutoCloseable {
    private static final Path KUBECTL = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.33");

    final Path dir;
    final SqliteStore store;
    final ApiServer server;
    final KubeClient client;

    private TestControlPlane(Path dir, SqliteStore store, ApiServer server, KubeClient client) {
        this.dir = dir;
        this.store = store;
        this.server = server;
        this.client = client;
    }

    static TestControlPlane start(Path dir, String userAgent) throws Exception {
        SqliteStore store = SqliteStore.open(dir.resolve("state.db"));
        ApiServer server = ApiServer.start(ApiServerConfig.of(dir.resolve("server"), store).withBind("127.0.0.1", 0));
        return new TestControlPlane(dir, store, server, new KubeClient(Kubeconfig.load(server.kubeconfig()), userAgent));
    }

    /** Runs kubectl with the admin kubeconfig; asserts its exit code and returns its output. */
    String kubectl(int expectExit, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig=" + server.kubeconfig(),
                "--cache-dir=" + dir.resolve("kcache")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "kubectl " + String.join(" ", args) + " timed out");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(expectExit, p.exitValue(), "kubectl " + String.join(" ", args) + ": " + out);
        return out;
    }

    @Override
    public void close() {
        server.close();
        store.close();
    }
}
