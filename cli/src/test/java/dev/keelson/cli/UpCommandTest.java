package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    @TempDir
    Path tmp;

    @Test
    void upRunsAPodThroughKubectlAndDownLeavesNothing() throws Exception {
        List<String> before = UpProcess.netnsPins();
        UpProcess c = new UpProcess(tmp, "smoke");
        try {
            c.awaitUp();
            assertEquals(List.of("keelson-smoke-node1"), UpProcess.withoutPool(UpProcess.added(before)),
                    "the node namespace is pinned while up (beside the runtime's pool of pod namespaces)");
            assertTrue(c.kubectl("get", "nodes", "smoke-node1", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")
                    .equals("True") || c.awaitText("True", "get", "nodes", "smoke-node1", "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"));
            c.kubectl("run", "web", "--image=keelson.local/busybox:1.0", "--image-pull-policy=Never", "--", "sleep", "3600");
            assertTrue(c.awaitText("Running", "get", "pod", "web", "-o", "jsonpath={.status.phase}"),
                    "pod web never ran:\n" + c.kubectl("describe", "pod", "web") + "\n" + c.log());
            String ip = c.kubectl("get", "pod", "web", "-o", "jsonpath={.status.podIP}");
            assertTrue(ip.startsWith("10.244.0."), "pod IP from the node's podCIDR: " + ip);
            List<String> pins = UpProcess.added(before);
            assertEquals(List.of("keelson-smoke-node1"), UpProcess.withoutPool(pins), "node namespace: " + pins);
            assertTrue(UpProcess.pool(pins).size() >= 1 && UpProcess.pool(pins).size() <= 5,
                    "the pod's namespace and up to 4 kept ready by the runtime's pool: " + pins);
            assertTrue(UpProcess.mountsUnder(c.data) > 0, "the container's overlay rootfs is mounted under the data dir");
            assertEquals(List.of("lo"), UpProcess.hostLinks(), "the host's namespace keeps only lo");
            assertOneProcessInTheNodeNamespace(c);

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
        List<String> before = UpProcess.netnsPins();
        UpProcess c = new UpProcess(tmp, "crash");
        try {
            c.awaitUp();
            c.kubectl("run", "sleeper", "--image=keelson.local/busybox:1.0", "--image-pull-policy=Never", "--", "sleep", "3600");
            assertTrue(c.awaitText("Running", "get", "pod", "sleeper", "-o", "jsonpath={.status.phase}"), c.log());
        } finally {
            c.kill(); // SIGKILL to the supervisor and the node process: no teardown ran
        }
        assertTrue(Files.exists(c.run.resolve("up.json")), "the record outlives the crash");
        List<String> left = UpProcess.added(before);
        assertEquals(List.of("keelson-crash-node1"), UpProcess.withoutPool(left), "the node namespace is left by the crash: " + left);
        assertTrue(UpProcess.pool(left).size() >= 1, "the pod's (pooled) namespace and the pool's are left by the crash: " + left);
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

    /**
     * keelson up is one process: the one the test started (same pid, now inside the node's namespace,
     * which kubectl still reached from here), with no java process under it.
     */
    private static void assertOneProcessInTheNodeNamespace(UpProcess c) throws IOException {
        long pid = c.process.pid();
        assertEquals(Files.getAttribute(Path.of("/run/netns/keelson-" + c.name + "-node1"), "unix:ino"),
                Files.getAttribute(Path.of("/proc/" + pid + "/ns/net"), "unix:ino"), "keelson up runs in the node's namespace");
        List<Long> javaChildren = c.process.descendants().filter(h -> h.info().command().orElse("").endsWith("/java"))
                .map(ProcessHandle::pid).toList();
        assertEquals(List.of(), javaChildren, "no second JVM: keelson up became the cluster process");
    }

    private static void assertNothingLeft(UpProcess c, List<String> pinsBefore) throws IOException {
        assertEquals(List.of(), UpProcess.added(pinsBefore), "no netns pin is left");
        assertEquals(0, UpProcess.mountsUnder(c.data), "no mount is left under the data dir");
        assertFalse(Files.exists(c.run), "the run directory is removed");
        for (String h : List.of("memory", "cpu", "pids", "freezer")) {
            assertFalse(Files.exists(Path.of("/sys/fs/cgroup", h, "keelson-" + c.name)), "cgroup " + h + "/keelson-" + c.name + " is removed");
        }
        assertEquals(List.of("lo"), UpProcess.hostLinks(), "the host's namespace keeps only lo");
        assertTrue(Files.exists(c.data.resolve("server/store.db")), "the store is kept for the next up");
    }
}
