package dev.keelson.control.api;

import dev.keelson.control.store.sqlite.SqliteStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;

/** A started API server on 127.0.0.1:0 over a {@link MemoryStore}, with an HTTPS client trusting its CA. */
final class TestApi implements AutoCloseable {
    record Reply(int code, String contentType, String text, HttpResponse<String> raw) {
        JsonNode json() {
            return Json.parse(text.getBytes(StandardCharsets.UTF_8));
        }

        HttpClient.Version version() {
            return raw.version();
        }
    }

    final Path dir;
    final SqliteStore store;
    final ApiServer server;
    final HttpClient h2;
    final HttpClient h1;
    private final boolean ownsDir;

    TestApi() throws Exception {
        this(Files.createTempDirectory("keelson-api-"), true, Duration.ofSeconds(1));
    }

    TestApi(Path dir, boolean ownsDir, Duration bookmarks) throws Exception {
        this(dir, ownsDir, c -> c.withBookmarkInterval(bookmarks));
    }

    /** A server on {@code dir} whose config {@code tune} adjusts (after the test defaults). */
    TestApi(Path dir, boolean ownsDir, java.util.function.UnaryOperator<ApiServerConfig> tune) throws Exception {
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.store = SqliteStore.open(dir.resolve("store.db"));
        this.server = ApiServer.start(tune.apply(ApiServerConfig.of(dir, store).withBind("127.0.0.1", 0)
                .withBookmarkInterval(Duration.ofSeconds(1))));
        var tls = server.pki().clientContext();
        this.h2 = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.h1 = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    URI uri(String path) {
        return server.url().resolve(path);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + server.adminToken());
    }

    Reply send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> resp = h2.send(r, HttpResponse.BodyHandlers.ofString());
        return new Reply(resp.statusCode(), resp.headers().firstValue("content-type").orElse(""), resp.body(), resp);
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    Reply get(String path, String accept) throws IOException, InterruptedException {
        return send(request(path).header("Accept", accept).GET().build());
    }

    Reply post(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Reply put(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Reply patch(String path, String contentType, String body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", contentType)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Reply delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE().build());
    }

    Reply delete(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** Creates a namespace and returns the created object. */
    ObjectNode namespace(String name) throws Exception {
        Reply r = post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + name + "\"}}");
        if (r.code() != 201) {
            throw new AssertionError("creating namespace " + name + ": " + r.code() + " " + r.text());
        }
        return (ObjectNode) r.json();
    }

    @Override
    public void close() throws IOException {
        server.close();
        store.close();
        if (ownsDir) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
