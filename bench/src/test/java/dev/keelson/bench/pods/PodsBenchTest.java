package dev.keelson.bench.pods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.runtime.ImageArchives;
import dev.keelson.bench.runtime.PrivateContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodsBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static PodsResults results(boolean containerd) {
        PodsResults r = new PodsResults();
        for (int i = 1; i <= 30; i++) {
            r.keelsonPods.add(i * 10_000_000L);     // 10..300 ms
            r.containerdPods.add(i * 40_000_000L);  // 40..1200 ms
        }
        r.keelsonTotal.add(400_000_000L);
        r.containerdTotal.add(1_300_000_000L);
        r.keelsonSingle.add(300_000_000L);
        r.containerdSingle.add(700_000_000L);
        r.services.add(50_000_000L);
        r.services.add(70_000_000L);
        r.keelsonJvmMib = 280;
        r.containerdMib = 60;
        r.keelsonShimMib = 90;
        r.containerdShimMib = 390;
        if (!containerd) {
            r.containerdMissing = "/usr/bin/containerd is missing";
        }
        return r;
    }

    @Test
    void reportPutsContainerdBesideKeelsonAndChecksBothTargets() {
        BenchReport report = PodsBench.report(results(true), PodsPlan.of(false));
        Figure p50 = report.figure("pod startup p50, 30 pods").orElseThrow();
        assertEquals(155, p50.keelson(), 1e-9, "median of 10..300 ms");
        assertEquals(620, p50.peer(), 1e-9);
        assertEquals(0.25, p50.ratio(), 1e-9);
        assertEquals(PodsBench.CONTAINERD_PEER, p50.peerName());
        Figure svc = report.figure("Service propagation p50 (create → ClusterIP reachable)").orElseThrow();
        assertEquals(60, svc.keelson(), 1e-9);
        assertNull(svc.peer(), "no kube-proxy here: no peer");
        assertEquals(2, report.targets().size());
        assertTrue(report.targets().get(0).met(), "0.25× is at least 2× faster");
        assertTrue(report.targets().get(1).met(), "280 MiB ≤ 300 MiB");
    }

    @Test
    void withoutContainerdEveryFigureHasNoPeerAndTheNoteSaysWhy(@TempDir Path dir) throws Exception {
        PodsResults r = results(false);
        r.keelsonJvmMib = 310;
        BenchReport report = PodsBench.report(r, PodsPlan.of(true));
        assertTrue(report.figures().stream().allMatch(f -> f.peer() == null), report.figures().toString());
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("/usr/bin/containerd is missing")), report.notes().toString());
        assertFalse(report.targets().get(0).met(), "no peer: the speed target is not measured");
        assertFalse(report.targets().get(1).met(), "310 MiB is over 300");
        Path json = dir.resolve("pods.json");
        report.writeJson(json);
        JsonNode root = JSON.readTree(json.toFile());
        assertEquals("pods", root.path("area").asText());
        assertTrue(root.path("figures").path("pod startup p50, 30 pods").path("peer").isNull());
    }

    @Test
    void containerdConfigKeepsEverythingInItsDirectoryAndRestrictsOomScoreAdj(@TempDir Path dir) throws Exception {
        String toml = PrivateContainerd.configToml(dir, dir.resolve("net.d"));
        for (String expected : new String[] {"root = \"" + dir + "/root\"", "state = \"" + dir + "/state\"",
                "address = \"" + dir + "/containerd.sock\"", "restrict_oom_score_adj = true", "snapshotter = \"overlayfs\"",
                "sandbox_image = \"" + PrivateContainerd.PAUSE_IMAGE + "\"", "conf_dir = \"" + dir.resolve("net.d") + "\"",
                "bin_dir = \"/usr/lib/cni\""}) {
            assertTrue(toml.contains(expected), expected + " in\n" + toml);
        }
        JsonNode conflist = JSON.readTree(PrivateContainerd.conflist("cbr0", "10.245.0.0/24", "10.245.0.1", dir.resolve("ipam")));
        assertEquals("1.0.0", conflist.path("cniVersion").asText(), "the reference plugins v1.1 speak CNI up to 1.0.0");
        JsonNode bridge = conflist.path("plugins").get(0);
        assertEquals("cbr0", bridge.path("bridge").asText());
        assertEquals(dir.resolve("ipam").toString(), bridge.path("ipam").path("dataDir").asText());
    }

    @Test
    void pauseArchiveIsAnOciLayoutNamedForContainerd(@TempDir Path dir) throws Exception {
        Path program = Files.writeString(dir.resolve("fake-pause"), "#!/bin/true\n");
        Path archive = ImageArchives.pause(dir.resolve("work"), program, "keelson.local/pause:1.0");
        Path out = Files.createDirectories(dir.resolve("out"));
        ImageArchives.run(java.util.List.of("tar", "-C", out.toString(), "-xf", archive.toString()), "untar");
        JsonNode index = JSON.readTree(out.resolve("index.json").toFile());
        JsonNode m = index.path("manifests").get(0);
        assertEquals("keelson.local/pause:1.0", m.path("annotations").path("io.containerd.image.name").asText());
        String hex = m.path("digest").asText().substring("sha256:".length());
        JsonNode manifest = JSON.readTree(out.resolve("blobs/sha256/" + hex).toFile());
        String cfg = manifest.path("config").path("digest").asText().substring("sha256:".length());
        JsonNode config = JSON.readTree(out.resolve("blobs/sha256/" + cfg).toFile());
        assertEquals("/pause", config.path("config").path("Entrypoint").get(0).asText());
        assertEquals(1, manifest.path("layers").size());
    }

    @Test
    void workloadsPinPodsToTheirNodeAndNeverPull() {
        JsonNode d = Workloads.deployment("keelson-0", "bench1-node1", 30, "sleep", "3600");
        JsonNode pod = d.path("spec").path("template").path("spec");
        assertEquals(30, d.path("spec").path("replicas").asInt());
        assertEquals("bench1-node1", pod.path("nodeSelector").path("kubernetes.io/hostname").asText());
        assertEquals("Never", pod.path("containers").get(0).path("imagePullPolicy").asText());
        assertEquals("keelson-0", d.path("spec").path("selector").path("matchLabels").path("bench").asText());
        JsonNode bare = Workloads.pod("single-0", "single-0", "n1");
        assertEquals("Pod", bare.path("kind").asText());
        assertEquals("single-0", bare.path("metadata").path("name").asText());
        assertEquals("n1", bare.path("spec").path("nodeSelector").path("kubernetes.io/hostname").asText());
        JsonNode svc = Workloads.service("s", "echo");
        assertEquals(8080, svc.path("spec").path("ports").get(0).path("targetPort").asInt());
    }
}
