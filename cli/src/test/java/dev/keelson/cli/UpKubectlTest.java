package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single-node {@code keelson up} driven with kubectl 1.33 through {@link ClusterScenarios}:
 * rollout and undo, probes, configMap/secret, logs and exec, lifecycle hooks with graceful
 * termination, interactive exec, attach and port-forward with kubectl 1.33 and 1.20 — one cluster
 * for all of them, then
 * {@code keelson down} and nothing left.
 */
@KernelTest
class UpKubectlTest {
    @TempDir
    Path tmp;

    @Test
    void kubectlScenariosOnOneNode() throws Exception {
        List<String> before = UpProcess.netnsPins();
        UpProcess c = new UpProcess(tmp, "e2e");
        try {
            c.awaitUp();
            assertTrue(c.awaitText("True", "get", "node", "e2e-node1", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"),
                    c.log());
            ClusterScenarios s = new ClusterScenarios(c);
            s.logsAndExec();
            s.lifecycleHooks(java.nio.file.Files.createDirectories(tmp.resolve("hooks")));
            s.interactiveExecAndPortForward();
            s.configMapAndSecret();
            s.probes();
            s.rolloutAndUndo(3);

            Main.run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), c.downArgs());
            assertTrue(c.process.waitFor(90, TimeUnit.SECONDS), "keelson up did not stop after down; its log:\n" + c.log());
        } finally {
            c.kill();
            c.downIfLeft();
        }
        assertEquals(List.of(), UpProcess.added(before), "no netns pin is left");
        assertEquals(0, UpProcess.mountsUnder(c.data), "no mount is left under the data dir");
        assertFalse(Files.exists(c.run), "the run directory is removed");
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory/keelson-e2e")), "the pods' cgroup parent is removed");
        assertEquals(List.of("lo"), UpProcess.hostLinks(), "the host's namespace keeps only lo");
    }
}
