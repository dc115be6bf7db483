package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keelson demo} end to end as a separate process in the test JVM's private namespaces: every
 * step it can run in this build succeeds (pods ready, rollout, rollback, replacement), the steps
 * needing the Service proxy, ClusterIP allocation or DNS are named, and the host is left as found.
 */
@KernelTest
class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void runsTheScenarioAndLeavesTheHostAsFound() throws Exception {
        Path log = tmp.resolve("demo.log");
        int port = ThreadLocalRandom.current().nextInt(20_000, 40_000);
        Process p = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Dkeelson.libexec=" + System.getProperty("keelson.libexec"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo", "--cluster", "demotest",
                "--port", Integer.toString(port), "--run-dir", tmp.resolve("run").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(300, TimeUnit.SECONDS);
        if (!ended) {
            p.destroy();
            p.waitFor(150, TimeUnit.SECONDS);
        }
        String out = Files.readString(log);
        assertTrue(ended, "demo did not finish in 5 minutes:\n" + out);
        assertEquals(0, p.exitValue(), out);
        for (String want : List.of("cluster demotest up in", "imported image keelson.local/busybox:1.0", "3/3 pods ready in",
                "v2   Ready", "rolled out in", "back on v1 in", "revision 3   replicas 3  (v1)", "replaced by web-",
                "removed 3 pod sandbox(es)", "the host is as the demo found it")) {
            assertTrue(out.contains(want), "missing \"" + want + "\" in:\n" + out);
        }
        assertTrue(out.contains("30 of 30 answered") || out.contains("SKIPPED: the Service got no ClusterIP")
                || out.contains("no Service proxy runs on this node yet"), "the ClusterIP step ran or said why not:\n" + out);
        assertTrue(!Files.exists(tmp.resolve("run")), "the run directory is removed");
    }
}
