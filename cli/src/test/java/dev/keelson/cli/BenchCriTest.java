package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.bench.BenchAreas;
import dev.keelson.bench.BenchOptions;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.testing.KernelTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keelson bench cri --quick} for real, in the test JVM's namespaces: {@code keelson cri} as
 * its own process (this class path holds the CLI), a private containerd, a loopback registry. Every
 * figure is measured on both runtimes, the JSON holds them, and the run leaves nothing behind.
 */
@KernelTest
class BenchCriTest {
    @TempDir
    Path tmp;

    @Test
    void quickRunMeasuresBothRuntimesAndLeavesNothing() throws Exception {
        Path json = tmp.resolve("cri.json");
        java.util.Set<Path> scratchBefore = scratchDirs();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        BenchReport report = BenchAreas.find("cri").orElseThrow()
                .run(new BenchOptions(true, json, false), new PrintStream(progress, true, StandardCharsets.UTF_8));
        report.writeJson(json);
        for (Figure f : report.figures()) {
            assertTrue(f.keelson() > 0 && f.peer() != null && f.peer() > 0, f.toString());
        }
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("cri", root.path("area").asText());
        assertTrue(root.path("figures").path("RunPodSandbox p50").path("ratio").isNumber(), root.toString());
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("60 keelson-cri-shim")), "30 pods = 60 shims while measured");

        long pid = ProcessHandle.current().pid();
        assertFalse(Files.exists(Path.of("/run/keelson/bench-cri-" + pid)), "namespace pins");
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory/keelson-bench-cri-" + pid)), "the pods' cgroup parent");
        assertEquals(scratchBefore, scratchDirs(), "scratch directories");
        assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
                "no registry, containerd or keelson cri left");
        assertEquals(0, ProcessHandle.allProcesses().filter(p -> String.join(" ", p.info().arguments().orElse(new String[0]))
                .contains("keelson-bench-cri-")).count(), "no shim of the run left");
    }

    private static java.util.Set<Path> scratchDirs() throws java.io.IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("keelson-bench-cri-")).collect(java.util.stream.Collectors.toSet());
        }
    }
}
