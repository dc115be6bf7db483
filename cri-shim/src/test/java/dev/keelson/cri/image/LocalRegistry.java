package dev.keelson.cri.image;

import dev.keelson.linux.Libc;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's distribution v2 registry ({@code /usr/bin/docker-registry serve}) on 127.0.0.1 inside
 * the test JVM's private network namespace, with storage in a temporary directory, plus a tiny
 * push client (monolithic blob upload and manifest PUT of the distribution API).
 */
public final class LocalRegistry implements AutoCloseable {
    private final Process process;
    public final URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    public LocalRegistry(Path dir, String extraConfig) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = URI.create("http://127.0.0.1:" + port);
        Path cfg = dir.resolve("config.yml");
        Files.writeString(cfg, """
                version: 0.1
                log:
                  level: error
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                %s""".formatted(dir.resolve("data"), port, extraConfig));
        process = new ProcessBuilder("/usr/bin/docker-registry", "serve", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve("/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 || r.statusCode() == 401) {
                    break;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("registry did not start: " + Files.readString(dir.resolve("registry.log")), e);
                }
                Thread.sleep(50);
            }
        }
    }

    public String authority() {
        return base.getAuthority();
    }

    /** Uploads {@code blob} to {@code repo} (POST then PUT ?digest=), returning its digest. */
    Digest pushBlob(String repo, byte[] blob, String auth) throws Exception {
        Digest d = Digest.of(blob);
        HttpRequest.Builder post = HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (auth != null) {
            post.header("Authorization", auth);
        }
        HttpResponse<String> r = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("upload start: " + r.statusCode() + " " + r.body());
        }
        URI loc = base.resolve(r.headers().firstValue("Location").orElseThrow());
        String sep = loc.getQuery() == null ? "?" : "&";
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(loc + sep + "digest=" + d))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(blob));
        if (auth != null) {
            put.header("Authorization", auth);
        }
        r = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("upload " + d + ": " + r.statusCode() + " " + r.body());
        }
        return d;
    }

    /** PUTs a manifest or index under {@code key} (tag or digest). */
    void pushManifest(String repo, String key, String mediaType, byte[] body, String auth) throws Exception {
        HttpRequest.Builder put = HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/manifests/" + key))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (auth != null) {
            put.header("Authorization", auth);
        }
        HttpResponse<String> r = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("manifest " + repo + ":" + key + ": " + r.statusCode() + " " + r.body());
        }
    }

    @Override
    public void close() {
        Libc.kill((int) process.pid(), 15);
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
