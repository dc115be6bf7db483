package dev.keelson.bench.cri;

import dev.keelson.netns.NetNamespace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's distribution registry ({@code /usr/bin/docker-registry}) on 127.0.0.1 of the benchmark's
 * network namespace, storage in the run's directory; both runtimes pull from it over plain HTTP.
 */
final class LoopbackRegistry implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/docker-registry");
    static final int PORT = 5000;

    private final Process process;

    private LoopbackRegistry(Process process) {
        this.process = process;
    }

    /** {@code 127.0.0.1:5000}, as image references and registry options name it. */
    static String host() {
        return "127.0.0.1:" + PORT;
    }

    /** Starts the registry in {@code netns}; returns once it accepts connections there. */
    static LoopbackRegistry start(NetNamespace netns, Path dir) throws Exception {
        Files.createDirectories(dir);
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
                  addr: %s
                """.formatted(dir.resolve("data"), host()));
        Path log = dir.resolve("registry.log");
        LoopbackRegistry r = new LoopbackRegistry(new ProcessBuilder("nsenter", "--net=" + netns.path(), "--", BINARY.toString(),
                "serve", cfg.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!netns.run(LoopbackRegistry::accepts)) {
            if (!r.process.isAlive() || System.nanoTime() > deadline) {
                r.close();
                throw new IOException("docker-registry did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return r;
    }

    /** Whether a TCP connect to the registry succeeds (run on a thread inside the namespace). */
    private static boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", PORT), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
