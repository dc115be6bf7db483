package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keelson up} as an operator runs it, in the test JVM's private namespaces (which play the
 * host): real processes, the real kernel, runc, and kubectl 1.33 talking to the API server through
 * the loopback relay. After {@code keelson down} — graceful, or after the cluster was killed with
 * SIGKILL — nothing may be left: no netns pin, no mount under the data directory, no pod cgroup,
 * no record, and the "host" namespace has only lo.
 */
@KernelTest
class UpCommandTest {
    private static final String KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";

    @TempDir
    Path tmp;

    @Test
    void upRunsAPodThroughKubectlAndDownLeavesNothing() throws Exception {
        List<String> before = netnsPins();
        Cluster c = new Cluster(tmp, "smoke");
        try {
            c.awaitUp();
            assertEquals(List.of("keelson-smoke-node1"), added(before), "the node namespace is pinned while up");
            assertTrue(c.kubectl("get", "nodes", "smoke-node1", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")
                    .equals("True") || c.awaitText("True", "get", "nodes", "smoke-node1", "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"));
            c.kubectl("run", "web", "--image=keelson.local/busybox:1.0", "--image-pull-policy=Never", "--", "sleep", "3600");
            assertTrue(c.awaitText("Running", "get", "pod", "web", "-o", "jsonpath={.status.phase}"),
                    "pod web never ran:\n" + c.kubectl("describe", "pod", "web") + "\n" + c.log());
            String ip = c.kubectl("get", "pod", "web", "-o", "jsonpath={.status.podIP}");
            assertTrue(ip.startsWith("10.244.0."), "pod IP from the node's podCIDR: " + ip);
            assertEquals(2, added(before).size(), "node + pod namespaces: " + added(before));
            assertTrue(mountsUnder(c.data) > 0, "the container's overlay rootfs is mounted under the data dir");
            assertEquals(List.of("lo"), hostLinks(), "the host's namespace keeps only lo");

            Main.run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), c.downArgs());
            assertTrue(c.process.waitFor(60, TimeUnit.SECONDS), "keelson up did not stop after down; its log:\n" + c.log());
            assertTrue(c.log().contains("removed 1 pod sandbox(es)"), c.log());
        } finally {
            c.kill();
            c.downIfLeft();
        }
        assertNothingLeft(c, before);
    }

    @Test
    void downCleansUpAfterAClusterKilledWithSigkill() throws Exception {
        List<String> before = netnsPins();
        Cluster c = new Cluster(tmp, "crash");
        try {
            c.awaitUp();
            c.kubectl("run", "sleeper", "--image=keelson.local/busybox:1.0", "--image-pull-policy=Never", "--", "sleep", "3600");
            assertTrue(c.awaitText("Running", "get", "pod", "sleeper", "-o", "jsonpath={.status.phase}"), c.log());
        } finally {
            c.kill(); // SIGKILL to the supervisor and the node process: no teardown ran
        }
        assertTrue(Files.exists(c.run.resolve("up.json")), "the record outlives the crash");
        assertEquals(2, added(before).size(), "node and pod namespaces are left by the crash: " + added(before));
        assertTrue(Files.exists(Path.of("/sys/fs/cgroup/memory/keelson-crash")), "the pod cgroup is left by the crash");

        java.io.StringWriter out = new java.io.StringWriter();
        int rc = Main.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(out, true), c.downArgs());
        try {
            assertEquals(0, rc, out.toString());
        } finally {
            c.downIfLeft();
        }
        assertTrue(out.toString().contains("is not running") && out.toString().contains("removed 1 pod sandbox(es)"), out.toString());
        assertNothingLeft(c, before);
        java.io.StringWriter again = new java.io.StringWriter();
        assertEquals(0, Main.run(new java.io.PrintWriter(again, true), new java.io.PrintWriter(again, true), c.downArgs()));
        assertTrue(again.toString().contains("is not up"), "down is idempotent: " + again);
    }

    private static void assertNothingLeft(Cluster c, List<String> pinsBefore) throws IOException {
        assertEquals(List.of(), added(pinsBefore), "no netns pin is left");
        assertEquals(0, mountsUnder(c.data), "no mount is left under the data dir");
        assertFalse(Files.exists(c.run), "the run directory is removed");
        for (String h : List.of("memory", "cpu", "pids", "freezer")) {
            assertFalse(Files.exists(Path.of("/sys/fs/cgroup", h, "keelson-" + c.name)), "cgroup " + h + "/keelson-" + c.name + " is removed");
        }
        assertEquals(List.of("lo"), hostLinks(), "the host's namespace keeps only lo");
        assertTrue(Files.exists(c.data.resolve("server/store.db")), "the store is kept for the next up");
    }

    private static List<String> netnsPins() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/run/netns"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> added(List<String> before) throws IOException {
        return netnsPins().stream().filter(p -> !before.contains(p)).toList();
    }

    private static long mountsUnder(Path dir) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(" " + dir + "/")).count();
    }

    /** The links of the test JVM's namespace (the "host"), from {@code ip -o link}, not /sys (mounted for another netns). */
    private static List<String> hostLinks() {
        return dev.keelson.testing.Command.ok("ip", "-o", "link", "show").lines()
                .map(l -> l.split(":")[1].strip().replaceFirst("@.*", "")).sorted().toList();
    }

    /** One {@code keelson up} process of the test. */
    private static final class Cluster {
        final String name;
        final Path data;
        final Path run;
        final Path logFile;
        final Path kubeconfig;
        final int port = ThreadLocalRandom.current().nextInt(20_000, 40_000);
        final Process process;

        Cluster(Path tmp, String name) throws IOException {
            this.name = name;
            this.data = tmp.resolve("data");
            this.run = tmp.resolve("run");
            this.logFile = tmp.resolve("up.log");
            this.kubeconfig = data.resolve("server/admin.kubeconfig");
            List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "-Dkeelson.libexec=" + System.getProperty("keelson.libexec"),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "up"));
            argv.addAll(clusterArgs());
            process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        }

        List<String> clusterArgs() {
            return List.of("--cluster", name, "--data-dir", data.toString(), "--run-dir", run.toString(), "--port", Integer.toString(port));
        }

        String[] downArgs() {
            List<String> a = new ArrayList<>(List.of("down"));
            a.addAll(clusterArgs());
            return a.toArray(String[]::new);
        }

        void awaitUp() throws Exception {
            long end = System.currentTimeMillis() + 90_000;
            while (!log().contains("is up") && process.isAlive() && System.currentTimeMillis() < end) {
                Thread.sleep(200);
            }
            assertTrue(log().contains("is up"), "not up (alive " + process.isAlive() + "):\n" + log());
        }

        String log() throws IOException {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        }

        String kubectl(String... args) throws Exception {
            List<String> argv = new ArrayList<>(List.of(KUBECTL, "--kubeconfig", kubeconfig.toString()));
            argv.addAll(List.of(args));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            return text.strip();
        }

        boolean awaitText(String want, String... args) throws Exception {
            return await(() -> {
                try {
                    return kubectl(args).equals(want);
                } catch (Exception e) {
                    return false;
                }
            });
        }

        static boolean await(java.util.function.BooleanSupplier cond) throws InterruptedException {
            long end = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < end) {
                if (cond.getAsBoolean()) {
                    return true;
                }
                Thread.sleep(300);
            }
            return false;
        }

        /** After a failed test: {@code keelson down} once more, so no container outlives the test JVM. */
        void downIfLeft() {
            if (Files.exists(run.resolve("up.json"))) {
                Main.run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), downArgs());
            }
        }

        /** SIGKILL to the supervisor and the node JVM (both started by this test), by pid; containers' shims live on. */
        void kill() throws InterruptedException {
            List<ProcessHandle> all = new ArrayList<>(process.children().toList());
            all.add(process.toHandle());
            all.forEach(ProcessHandle::destroyForcibly);
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
