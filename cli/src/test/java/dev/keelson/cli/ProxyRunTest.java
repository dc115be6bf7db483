package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keelson proxy run --watch-dir} as a separate process under {@code ip netns exec}, so that
 * SIGTERM reaches it as it would from an init system.
 */
@KernelTest
class ProxyRunTest {
    @TempDir
    Path tmp;

    @Test
    void runPicksUpADirectoryChangeWithinASecondAndStopsCleanlyOnSigterm() throws Exception {
        try (NetNamespace ns = NetNamespace.create("pxrun")) {
            try {
                Path dir = Files.createDirectories(tmp.resolve("watch"));
                Path log = tmp.resolve("run.log");
                Files.writeString(dir.resolve("services.yaml"), ProxyCommandTest.fixture());
                String java = ProcessHandle.current().info().command().orElseThrow();
                Process p = new ProcessBuilder("ip", "netns", "exec", ns.name(), java, "--enable-native-access=ALL-UNNAMED",
                        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "proxy", "run",
                        "--state-dir", tmp.resolve("state").toString(), "--watch-dir", dir.toString(),
                        "--min-sync-interval", "100ms", "--poll-interval", "100ms", "--node-name", "node-a",
                        "--cluster-cidr", "10.244.0.0/16", "--service-cidr", "10.96.0.0/16")
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                try {
                    awaitTable(ns, t -> ProxyCommandTest.routesTo(t, "10.244.1.5", 8080), 20_000, log);

                    // An edit as editors make it: write a new file, rename it over the old one.
                    Path next = dir.resolve(".services.yaml.swp");
                    Files.writeString(next, ProxyCommandTest.fixture().replace("10.244.1.5]", "10.244.1.55]"));
                    long t0 = System.nanoTime();
                    Files.move(next, dir.resolve("services.yaml"), StandardCopyOption.ATOMIC_MOVE);
                    awaitTable(ns, t -> ProxyCommandTest.routesTo(t, "10.244.1.55", 8080), 2_000, log);
                    System.out.printf("proxy run: change visible in nft after %.0f ms%n", (System.nanoTime() - t0) / 1e6);

                    Files.writeString(dir.resolve("broken.yaml"), "kind: Service\nmetadata: {name: x\n");
                    awaitLog(log, "not applied: " + dir.resolve("broken.yaml"));
                } finally {
                    p.destroy(); // SIGTERM
                }
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), "did not stop on SIGTERM");
                String out = Files.readString(log);
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.contains(" sync full: "), out);
                // The loop logs the newest sync at each poll; when the rename's incremental sync and a
                // no-op one (the editor's temporary file) land between two polls, only the later is
                // logged. That the change was applied is checked on the kernel's table above.
                assertTrue(out.matches("(?s).* sync (incremental|unchanged): \\d+ lines.*"), out);
                assertTrue(out.contains("stopped; rules left in place"), out);
                assertTrue(ProxyCommandTest.routesTo(table(ns), "10.244.1.55", 8080), "rules must stay after exit");

                Result show = show(ns);
                assertTrue(show.out.contains("10.244.1.55:8080 (local)"), show.out + show.err);
            } finally {
                ns.delete();
            }
        }
    }

    record Result(String out, String err) {
    }

    private Result show(NetNamespace ns) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        ns.run(() -> Main.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), "proxy", "show",
                "--state-dir", tmp.resolve("state").toString()));
        return new Result(out.toString(), err.toString());
    }

    private static String table(NetNamespace ns) {
        Command c = Command.run(List.of("ip", "netns", "exec", ns.name(), "nft", "list", "table", "inet", "keelson"));
        return c.exit() == 0 ? c.out() : "";
    }

    private static void awaitTable(NetNamespace ns, Predicate<String> ok, long millis, Path log)
            throws InterruptedException, IOException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (ok.test(table(ns))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("rules did not change within " + millis + " ms; log:\n" + Files.readString(log));
    }

    private static void awaitLog(Path log, String text) throws InterruptedException, IOException {
        long end = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < end) {
            if (Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no log line with \"" + text + "\":\n" + Files.readString(log));
    }
}
