package dev.keelson.bench.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.bench.BenchPrograms;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The facts the CNI benchmark's safety and figures rest on: a process started from a thread inside a
 * namespace ({@link NetNamespace#run}) starts in that namespace, not in the JVM's; and the spawner
 * keelson-cni-exec runs its plugins in the node namespace, hands them env and stdin, reports their
 * exit and output size, and stops at a call that fails.
 */
@KernelTest
class SpawnNamespaceKernelTest {
    private static final Path ROOT = Path.of("/run/keelson/spawn-ns-test");
    private static final Path LOGS = Path.of("/run/keelson/spawn-ns-test-logs");
    private static final Path SH = Path.of("/bin/sh");
    private NetNamespace node;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void node() throws IOException {
        node = NetnsDirectory.of(ROOT).create("node");
        Files.createDirectories(LOGS);
    }

    @AfterEach
    void delete() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor();
        }
        NetnsDirectory.of(ROOT).destroy();
        try (var s = Files.list(LOGS)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(LOGS);
    }

    /** The namespace inode a child reports for itself: {@code readlink /proc/self/ns/net} is {@code net:[INODE]}. */
    private static long childNamespace() throws Exception {
        Process p = new ProcessBuilder("readlink", "/proc/self/ns/net").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, p.waitFor());
        return Long.parseLong(out.substring(out.indexOf('[') + 1, out.indexOf(']')));
    }

    private Spawner spawner() throws IOException {
        return Spawner.start(BenchPrograms.floorProgram(CniBench.SPAWNER_PROGRAM), node, LOGS.resolve("spawner.log"),
                started::add);
    }

    private static Spawner.Call sh(String script, int exit) {
        return new Spawner.Call(SH, Map.of("PATH", "/usr/bin:/bin", "CNI_COMMAND", "ADD"),
                script.getBytes(StandardCharsets.US_ASCII), exit);
    }

    @Test
    void aProcessSpawnedFromANamespaceThreadStartsInThatNamespace() throws Exception {
        long own = (Long) Files.getAttribute(Path.of("/proc/thread-self/ns/net"), "unix:ino");
        assertNotEquals(own, node.inode());
        assertEquals(node.inode(), (long) node.run(SpawnNamespaceKernelTest::childNamespace));
        // and a spawn from this thread afterwards is back in the JVM's own
        assertEquals(own, childNamespace());
    }

    @Test
    void theSpawnerRunsPluginsInTheNodeNamespaceWithTheirEnvAndStdin() throws Exception {
        // "plugins" that print their namespace, or a variable, to a file named by the call; the
        // spawner reports stdout's size, so the printed text's length is checked too
        Path out = LOGS.resolve("out");
        String ns = "readlink /proc/self/ns/net > " + out + "; printf 12345\n";
        try (Spawner s = spawner()) {
            List<Spawner.Reply> r = s.run(1, List.of(sh(ns, 0), sh("printf \"$CNI_COMMAND\"; exit 3\n", 3)));
            assertEquals(2, r.size());
            assertEquals("net:[" + node.inode() + "]", Files.readString(out).strip());
            assertEquals(new Spawner.Reply(r.get(0).nanos(), 0, 5), r.get(0));
            assertEquals(3, r.get(1).exit());
            assertEquals(3, r.get(1).stdoutBytes(), "\"ADD\" from the call's environment");
            assertTrue(r.get(0).nanos() > 0 && r.get(1).nanos() > 0);

            // four workers at once: four sleeps of 0.3 s overlap instead of adding up to 1.2 s
            List<Spawner.Call> sleeps = List.of(sh("sleep 0.3", 0), sh("sleep 0.3", 0), sh("sleep 0.3", 0), sh("sleep 0.3", 0));
            long t0 = System.nanoTime();
            List<Spawner.Reply> par = s.run(4, sleeps);
            long wall = System.nanoTime() - t0;
            assertTrue(wall < 900_000_000L, "4 parallel sleeps took " + wall / 1e6 + " ms");
            for (Spawner.Reply p : par) {
                assertTrue(p.nanos() >= 300_000_000L, p.toString());
            }
        }
    }

    @Test
    void aCallWithAnUnexpectedExitStopsTheSpawnerWithThePluginsOutput() throws Exception {
        try (Spawner s = spawner()) {
            IOException e = assertThrows(IOException.class,
                    () -> s.run(1, List.of(sh("echo '{\"code\":7}'; echo broken >&2; exit 1\n", 0))));
            assertTrue(e.getMessage().contains("exited with status 1, expected 0"), e.getMessage());
            assertTrue(e.getMessage().contains("{\"code\":7}") && e.getMessage().contains("broken"), e.getMessage());
        }
    }
}
