package dev.keelson.bench.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.bench.BenchAreas;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.Target;
import dev.keelson.bench.runtime.PrivateContainerd;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriBenchTest {
    /** Keelson at {@code k} ms and containerd at {@code c} ms for every RPC, 10 samples each. */
    private static CriResults results(double k, double c) {
        CriResults r = new CriResults();
        for (String rpc : CriResults.RPCS) {
            for (int i = 1; i <= 10; i++) {
                r.keelson.get(rpc).add((long) (k * 1e6 * i / 5.5));
                r.containerd.get(rpc).add((long) (c * 1e6 * i / 5.5));
            }
        }
        r.keelsonCreateStart.add((long) (2 * k * 1e6));
        r.containerdCreateStart.add((long) (2 * c * 1e6));
        r.keelsonMib = 95;
        r.containerdMib = 60;
        return r;
    }

    @Test
    void theAreaIsRegistered() {
        assertTrue(BenchAreas.find("cri").isPresent());
    }

    @Test
    void everyRpcHasItsMedianAndP90BesideContainerdsAndTheTargetsFollowTheRatios() {
        BenchReport report = CriBench.report(results(40, 100), CriPlan.of(true));
        assertEquals(2 * CriResults.RPCS.size() + 3, report.figures().size());
        Figure run = report.figure("RunPodSandbox p50").orElseThrow();
        assertEquals(40, run.keelson(), 1e-6);
        assertEquals(100, run.peer(), 1e-6);
        assertEquals(CriBench.PEER, run.peerName());
        assertEquals(0.4, run.ratio(), 1e-6);
        assertTrue(report.targets().stream().allMatch(Target::met), report.targets().toString());

        report = CriBench.report(results(60, 100), CriPlan.of(true));
        assertFalse(report.targets().getFirst().met(), "0.6× is not 2× faster");
        assertTrue(report.targets().get(1).met(), "but no RPC is slower");
        CriResults slow = results(40, 100);
        slow.keelsonMib = 130;
        for (int i = 0; i < 20; i++) {
            slow.keelson.get("CreateContainer").add(200_000_000L); // median 200 ms against containerd's 100
        }
        List<Target> t = CriBench.report(slow, CriPlan.of(true)).targets();
        assertFalse(t.stream().filter(x -> x.goal().startsWith("CreateContainer")).findFirst().orElseThrow().met());
        assertFalse(t.getLast().met(), "130 MiB is over 100");
    }

    @Test
    void binKeelsonGivesKeelsonCriTheJvmOptionsAndEnvironmentTheBenchMeasures() throws Exception {
        String launcher = java.nio.file.Files.readString(Path.of("../bin/keelson"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\n\\s*cri\\) mem=\"([^\"]*)\"").matcher(launcher);
        assertTrue(m.find(), "bin/keelson has a cri) case");
        assertEquals(KeelsonCri.JVM, List.of(m.group(1).split(" ")));
        KeelsonCri.ENV.forEach((k, v) -> assertTrue(launcher.contains("export " + k + "=" + v), k));
    }

    @Test
    void containerdReachesTheLoopbackRegistryOverPlainHttp() {
        String toml = PrivateContainerd.configToml(Path.of("/d"), Path.of("/d/net.d"))
                + PrivateContainerd.mirrorsToml(List.of(LoopbackRegistry.host()));
        assertTrue(toml.contains("[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"127.0.0.1:5000\"]"), toml);
        assertTrue(toml.contains("endpoint = [\"http://127.0.0.1:5000\"]"), toml);
        assertEquals("127.0.0.1:5000/bench/busybox:1.0", CriRun.IMAGE);
    }
}
