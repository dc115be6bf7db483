package dev.keelson.control.store.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A single-member etcd that this process starts on loopback, for tests and benchmarks: free
 * random ports, its own data directory, and stopped by its PID (SIGTERM, then SIGKILL) on close.
 * The binary is Debian's {@code etcd-server} ({@code /usr/bin/etcd}).
 */
public final class LocalEtcd implements AutoCloseable {
    /** Where Debian's etcd-server package installs the server. */
    public static final Path DEFAULT_BINARY = Path.of("/usr/bin/etcd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path dir;
    private final String endpoint;

    private LocalEtcd(Process process, Path dir, String endpoint) {
        this.process = process;
        this.dir = dir;
        this.endpoint = endpoint;
    }

    /** The etcd binary: {@link #DEFAULT_BINARY} when installed, else {@code etcd} on PATH. */
    public static Optional<Path> binary() {
        if (Files.isExecutable(DEFAULT_BINARY)) {
            return Optional.of(DEFAULT_BINARY);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, "etcd"))
                .filter(Files::isExecutable).findFirst();
    }

    /** Starts etcd with a fresh data directory under /tmp and waits until it serves requests. */
    public static LocalEtcd start() {
        Path bin = binary().orElseThrow(() -> new IllegalStateException(
                "etcd is not installed (apt-get install etcd-server)"));
        try {
            return start(bin, Files.createTempDirectory("keelson-etcd-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory for etcd", e);
        }
    }

    /** Starts {@code binary} with its data under {@code dir} (which this instance deletes on close). */
    public static LocalEtcd start(Path binary, Path dir) {
        int client = freePort();
        int peer = freePort();
        String clientUrl = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        List<String> argv = List.of(binary.toString(),
                "--name", "keelson",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "keelson=" + peerUrl,
                "--listen-metrics-urls", "",
                "--log-level", "warn");
        Path log = dir.resolve("etcd.log");
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        LocalEtcd etcd = new LocalEtcd(p, dir, clientUrl);
        try {
            etcd.awaitHealthy(log);
            return etcd;
        } catch (RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    /** The client URL, e.g. {@code http://127.0.0.1:40123}. */
    public String endpoint() {
        return endpoint;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops etcd (SIGTERM to its PID, SIGKILL after 10 s) and deletes its data directory. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        deleteTree(dir);
    }

    /** etcd answers {@code /health} once it has a leader and can serve requests. */
    private void awaitHealthy(Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(endpoint + "/health")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with status " + process.exitValue() + ": " + tail(log));
            }
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd", e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd", e);
            }
        }
        throw new IllegalStateException("etcd did not become healthy within " + START_TIMEOUT.toSeconds() + " s: " + tail(log));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temp directory is not worth failing a stop for
        }
    }
}
