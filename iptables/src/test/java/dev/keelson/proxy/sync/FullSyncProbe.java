package dev.keelson.proxy.sync;

import dev.keelson.linux.nft.Nftables;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.LoadTimeProbe;
import dev.keelson.proxy.backend.NftBackend;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.IncrementalCompiler;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.proxy.nft.NftRenderer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Where a full nft sync's time goes: compile, render and the backend's load, for N ClusterIP
 * services × 5 endpoints with 10 % NodePort (the bench's workload). Printed, by hand:
 * {@code -Dtest=FullSyncProbe -Dprobe=true [-Dprobe.sizes=10000]}.
 */
@EnabledIfSystemProperty(named = "probe", matches = "true")
class FullSyncProbe {
    private static final NodeConfig NODE = new NodeConfig("node-a", List.of(InetAddresses.parse("192.168.1.10")),
            List.of(IpPrefix.parse("10.96.0.0/12")), List.of(IpPrefix.parse("172.30.0.0/16")), false);

    @Test
    void nftFullSync() throws java.io.IOException {
        for (String size : System.getProperty("probe.sizes", "10000").split(",")) {
            int n = Integer.parseInt(size.strip());
            Snapshot s = IncrementalSyncProbe.withNodePorts(LoadTimeProbe.synthetic(n, 0));
            try (NftBackend backend = NftBackend.open(); Nftables nft = Nftables.open()) {
                for (int round = 0; round < 4; round++) {
                    long t0 = System.nanoTime();
                    CompiledState st = new IncrementalCompiler(NODE).update(s).after();
                    long t1 = System.nanoTime();
                    String script = NftRenderer.full(st);
                    if (round == 0 && System.getProperty("probe.out") != null) {
                        java.nio.file.Files.writeString(java.nio.file.Path.of(System.getProperty("probe.out")), script);
                    }
                    long t2 = System.nanoTime();
                    nft.run(script);
                    long t3 = System.nanoTime();
                    // the backend's own path for a node's first sync: no table yet
                    nft.run("delete table inet keelson");
                    long s0 = System.nanoTime();
                    nft.run(NftRenderer.dormant(st).skeleton());
                    long s1 = System.nanoTime();
                    nft.run("delete table inet keelson");
                    System.out.printf("  dormant skeleton alone through libnftables: %.0f ms%n", (s1 - s0) / 1e6);
                    double backendMs = backend.full(st).millis();
                    long t4 = System.nanoTime();
                    if (round == 0) {
                        String twoStep = nft.run("list table inet keelson");
                        nft.run(script);
                        if (!twoStep.equals(nft.run("list table inet keelson"))) {
                            throw new AssertionError("the two-step load lists differently from the one-step load");
                        }
                    }
                    System.out.printf("N=%d round %d: compile %.0f ms, render %.0f ms (%d lines, %d kB), libnftables %.0f ms;"
                                    + " NftBackend.full, new table %.0f ms (apply %.0f ms)%n", n, round, (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                            script.lines().count(), script.length() / 1024, (t3 - t2) / 1e6, (t4 - t3) / 1e6, backendMs);
                }
                backend.flush();
            }
        }
    }
}
