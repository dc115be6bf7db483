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
 * the test JVM's private network namespace, with storage in a temporary directory, and a
 * {@link RegistryPush} client for it.
 */
public final class LocalRegistry implements AutoCloseable {
    private final Process process;
    public final URI base;
    private final HttpClient http;
    private final RegistryPush push;

    public LocalRegistry(Path dir, String extraConfig) throws Exception {
        this(dir, "", extraConfig, null);
    }

    /**
     * A registry with {@code httpExtra} under its {@code http:} key (indented two spaces, e.g. a
     * {@code tls:} block) and {@code extraConfig} at the top level (e.g. {@code auth:}); over HTTPS,
     * trusting {@code tls}, when that is not null.
     */
    public LocalRegistry(Path dir, String httpExtra, String extraConfig, javax.net.ssl.SSLContext tls) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port);
        http = tls == null ? HttpClient.newHttpClient() : HttpClient.newBuilder().sslContext(tls).build();
        push = new RegistryPush(base);
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
                %s%s""".formatted(dir.resolve("data"), port, httpExtra, extraConfig));
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
        return push.blob(repo, blob, auth);
    }

    /** PUTs a manifest or index under {@code key} (tag or digest). */
    void pushManifest(String repo, String key, String mediaType, byte[] body, String auth) throws Exception {
        push.manifest(repo, key, mediaType, body, auth);
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
