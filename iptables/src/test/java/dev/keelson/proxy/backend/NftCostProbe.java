package dev.keelson.proxy.backend;

import dev.keelson.linux.nft.Nftables;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.LoadTimeProbe;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.nft.NftRenderer;
import dev.keelson.testing.KernelTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures what libnftables 1.0.6 costs per command form against a big table (printed, not
 * asserted). A probe run by hand: {@code -Dtest=NftCostProbe -Dprobe=true [-Dprobe.n=30000]}.
 */
@KernelTest
@EnabledIfSystemProperty(named = "probe", matches = "true")
class NftCostProbe {
    static final NodeConfig NODE = new NodeConfig("node-a", List.of(InetAddresses.parse("192.168.1.10")),
            List.of(IpPrefix.parse("10.96.0.0/12")), List.of(IpPrefix.parse("172.30.0.0/16")), false);

    @Test
    void probe() {
        int n = Integer.getInteger("probe.n", 10000);
        CompiledState s = Compiler.compile(Boolean.getBoolean("probe.mixed") ? MixedChangeProbe.mixed(n)
                : LoadTimeProbe.synthetic(n, 0), NODE);
        try (Nftables nft = Nftables.open()) {
            String full = NftRenderer.full(s);
            long t0 = System.nanoTime();
            nft.run(full);
            System.out.printf("full load N=%d: %.1f ms%n", n, (System.nanoTime() - t0) / 1e6);
            String chain = s.ports().values().iterator().next().name().toString();
            String svc = dev.keelson.proxy.compile.Names.nft("svc", s.ports().values().iterator().next().name(),
                    dev.keelson.proxy.compile.Family.V4);
            time(nft, "add element", "add element inet keelson hairpin4 { 1.2.3.4 . 1.2.3.4 }");
            time(nft, "delete element", "delete element inet keelson hairpin4 { 1.2.3.4 . 1.2.3.4 }");
            time(nft, "add map element goto", "add element inet keelson service-ips4 { 1.2.3.4 . tcp . 80 : goto " + svc + " }");
            time(nft, "flush chain", "flush chain inet keelson " + svc);
            time(nft, "add rule", "add rule inet keelson " + svc + " meta l4proto tcp dnat ip to 10.1.1.1:80");
            time(nft, "add chain", "add chain inet keelson probe-x");
            nft.run("add chain inet keelson probe-y");
            time(nft, "add rule unreachable", "add rule inet keelson probe-y meta l4proto tcp dnat ip to 10.1.1.1:80");

            try (var batch = dev.keelson.linux.netfilter.NftBatch.open(dev.keelson.linux.netfilter.NfGenMsg.NFPROTO_INET, "keelson")) {
                for (int i = 0; i < 3; i++) {
                    var el = NftElements_encode("service-ips4", "1.2.3.4 . tcp . 80", "goto " + svc);
                    long s0 = System.nanoTime();
                    batch.begin().elements(true, "service-ips4", el).commit();
                    long t1 = System.nanoTime();
                    batch.begin().elements(false, "service-ips4", el).commit();
                    System.out.printf("  netlink goto element add %.3f ms, delete %.3f ms%n", (t1 - s0) / 1e6,
                            (System.nanoTime() - t1) / 1e6);
                }
            }
            time(nft, "delete chain", "delete chain inet keelson probe-x");
            time(nft, "flush+2 rules", "flush chain inet keelson " + svc + "\nadd rule inet keelson " + svc
                    + " meta l4proto tcp numgen random mod 2 0 dnat ip to 10.1.1.1:80\nadd rule inet keelson " + svc
                    + " meta l4proto tcp dnat ip to 10.1.1.2:80\n");
            time(nft, "add rule accept", "add rule inet keelson " + svc + " accept");
            time(nft, "add rule meta", "add rule inet keelson " + svc + " meta l4proto tcp accept");
            time(nft, "add element cluster-ips4", "add element inet keelson cluster-ips4 { 1.2.3.4 }");
            time(nft, "add element drop verdict", "add element inet keelson no-endpoint-services4 { 1.2.3.4 . tcp . 80 : drop }");
            time(nft, "json add rule", "{\"nftables\": [{\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"keelson\", \"chain\": \"" + svc + "\", \"expr\": [{\"accept\": null}]}}}]}");
            System.out.println(chain);
        }
    }

    private static List<dev.keelson.linux.netfilter.NftBatch.Element> NftElements_encode(String m, String k, String v) {
        return dev.keelson.proxy.nft.NftElements.encode(m, java.util.Map.of(k, v));
    }

    private static void time(Nftables nft, String what, String cmd) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            if (cmd.startsWith("delete element")) {
                nft.run(cmd.replaceFirst("^delete", "add"));
            } else if (cmd.startsWith("delete chain")) {
                nft.run(cmd.replaceFirst("^delete", "add"));
            }
            long t0 = System.nanoTime();
            if (cmd.startsWith("{")) { nft.runJson(cmd); } else { nft.run(cmd); }
            best = Math.min(best, System.nanoTime() - t0);
            if (cmd.startsWith("add element")) {
                nft.run(cmd.replaceFirst("^add", "delete").replaceAll(" : goto [^ ]+", ""));
            } else if (cmd.startsWith("add chain")) {
                nft.run(cmd.replaceFirst("^add", "delete"));
            }
        }
        System.out.printf("  %-28s best of 5: %.3f ms%n", what, best / 1e6);
    }
}
