package dev.keelson.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cni.plugins.bridge.BridgePlugin;
import dev.keelson.cni.skel.Skeleton;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.netns.NetnsPool;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.event.LinkEvent;
import dev.keelson.netns.event.NetEvents;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.Veth;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keelson demo datapath}: the data-path demo, end to end on this machine: namespaces made by syscalls
 * and pinned where iproute2 sees them, a command run inside one, a veth link and a ping, the warm
 * pool, two pods attached to a bridge by Keelson's CNI bridge plugin (host-local, ipMasq on
 * nftables; the bridge lives in a "node" namespace of its own, never the host's), and the netns
 * benchmark against {@code ip netns} and the C floor. Everything it makes is removed.
 */
@Command(name = "datapath", mixinStandardHelpOptions = true,
        description = "Run the data-path demo: namespaces, exec, a veth link and ping between namespaces, the warm pool,"
                + " pods on a bridge through Keelson's CNI plugin, and the netns benchmark.")
final class DataPathDemo implements Callable<Integer> {
    private static final String PREFIX = "keelson-demo-";

    @Option(names = "--skip-bench", description = "Do not run the netns benchmark at the end.")
    boolean skipBench;

    @Option(names = "--full-bench", description = "Run the full netns benchmark instead of --quick.")
    boolean fullBench;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        NetnsDirectory run = NetnsDirectory.system();
        List<NetNamespace> made = new ArrayList<>();
        NetnsDirectory poolDir = NetnsDirectory.of(Path.of("/run/keelson/demo-pool"));
        try {
            step(out, "1. Create two network namespaces with unshare(2) + a bind mount, as 'ip netns add' does");
            for (String n : List.of("a", "b")) {
                long t0 = System.nanoTime();
                NetNamespace ns = run.create(PREFIX + n, true);
                made.add(ns);
                out.printf("   %-16s inode %-11d %.2f ms%n", ns.name(), ns.inode(), (System.nanoTime() - t0) / 1e6);
            }

            step(out, "2. iproute2 sees them ('ip netns list'):");
            shell(out, "ip", "netns", "list");

            step(out, "3. Run a command inside one ('keelson netns exec " + PREFIX + "a -- ip -br addr'):");
            int rc = Main.run(out, spec.commandLine().getErr(), "netns", "exec", PREFIX + "a", "--", "ip", "-br", "addr");
            out.println("   exit status " + rc);

            step(out, "4. Work on a dedicated platform thread inside a namespace (NetNamespace.run):");
            NetNamespace a = made.get(0);
            String seen = a.run(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
            out.println("   /proc/thread-self/ns/net inside " + a.name() + " -> " + seen);

            step(out, "5. Wire them over rtnetlink, no ip: a veth pair (peer created straight in b), addresses, up:");
            NetNamespace b = made.get(1);
            try (Rtnetlink ra = Rtnetlink.open(a); Rtnetlink rb = Rtnetlink.open(b)) {
                long t0 = System.nanoTime();
                Links la = new Links(ra);
                Links lb = new Links(rb);
                la.add(Veth.named("eth0").peer("eth0", b).up());
                lb.setUp("eth0");
                new Addresses(ra).add(Address.of(la.indexOf("eth0"), "10.77.0.1/24"));
                new Addresses(rb).add(Address.of(lb.indexOf("eth0"), "10.77.0.2/24"));
                out.printf("   %s eth0 10.77.0.1/24 <-> %s eth0 10.77.0.2/24, wired in %.2f ms%n",
                        a.name(), b.name(), (System.nanoTime() - t0) / 1e6);
                LinkEvent up = NetEvents.awaitLink(a, "eth0", LinkEvent::isRunning, Duration.ofSeconds(5));
                out.println("   carrier on " + a.name() + "/eth0 (operstate " + up.operState() + "), awaited through netlink, no sleeps");
            }
            out.flush();
            int ping = Main.run(out, spec.commandLine().getErr(), "netns", "exec", PREFIX + "a", "--",
                    "ping", "-c", "2", "-W", "1", "10.77.0.2");
            out.println("   ping exit status " + ping);

            step(out, "6. A warm pool of 4 namespaces (lo up), taken without waiting for the kernel:");
            try (NetnsPool pool = new NetnsPool(poolDir, PREFIX + "pool-", 4).start()) {
                pool.awaitFull(30, TimeUnit.SECONDS);
                for (int i = 0; i < 3; i++) {
                    long t0 = System.nanoTime();
                    NetNamespace ns = pool.take();
                    long us = (System.nanoTime() - t0) / 1000;
                    out.printf("   took %-36s in %d µs%n", ns.name(), us);
                    ns.delete();
                    pool.awaitFull(30, TimeUnit.SECONDS);
                }
            }

            step(out, "7. Keelson's CNI bridge plugin, in-process, with a third namespace as the node: two pods on a bridge,");
            out.println("   host-local addresses, ipMasq on nftables (the same plugin 'keelson cni install' serves to runtimes):");
            List<NetNamespace> cni = new ArrayList<>();
            for (String n : List.of("node", "pod1", "pod2")) {
                NetNamespace ns = run.create(PREFIX + n, true);
                made.add(ns);
                cni.add(ns);
            }
            cniDemo(out, cni.get(0), cni.subList(1, 3));

            step(out, "8. Delete them ('ip netns del' semantics: lazy unmount + unlink):");
            for (NetNamespace ns : made) {
                ns.delete();
                out.println("   deleted " + ns.name());
            }
            made.clear();
            shell(out, "ip", "netns", "list");
            out.flush();

            if (!skipBench) {
                step(out, "9. The netns benchmark, side by side with 'ip netns' and the C floor:");
                out.flush();
                return Main.run(out, spec.commandLine().getErr(), fullBench ? new String[] {"bench", "netns"}
                        : new String[] {"bench", "netns", "--quick"});
            }
            return 0;
        } finally {
            for (NetNamespace ns : made) {
                ns.delete();
            }
            poolDir.destroy();
        }
    }

    /** ADD both pods to a bridge in {@code node}, ping across it, show the nft masquerade, DEL, show nothing is left. */
    private void cniDemo(PrintWriter out, NetNamespace node, List<NetNamespace> pods) throws Exception {
        Path data = Files.createTempDirectory("keelson-demo-ipam");
        String conf = "{\"cniVersion\":\"1.1.0\",\"name\":\"demo-net\",\"type\":\"bridge\",\"bridge\":\"kdemo0\","
                + "\"isGateway\":true,\"ipMasq\":true,\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.78.0.0/24\","
                + "\"dataDir\":\"" + data + "\"}}";
        Skeleton bridge = new Skeleton(new BridgePlugin(), BridgePlugin.ABOUT);
        List<String> ips = new ArrayList<>();
        try {
            for (NetNamespace pod : pods) {
                long t0 = System.nanoTime();
                ByteArrayOutputStream result = new ByteArrayOutputStream();
                int code = node.run(() -> bridge.run(cniEnv("ADD", pod), conf.getBytes(StandardCharsets.UTF_8), result,
                        new ByteArrayOutputStream()));
                double ms = (System.nanoTime() - t0) / 1e6;
                JsonNode r = new ObjectMapper().readTree(result.toByteArray());
                if (code != 0) {
                    throw new IllegalStateException("bridge ADD failed: " + r);
                }
                String ip = r.path("ips").path(0).path("address").asText();
                ips.add(ip.substring(0, ip.indexOf('/')));
                out.printf("   ADD %-18s -> eth0 %s via %s, in %.2f ms%s%n", pod.name(), ip,
                        r.path("ips").path(0).path("gateway").asText(), ms,
                        ips.size() == 1 ? " (the first call loads and links the plugin's code)" : "");
            }
            out.flush();
            int ping = Main.run(out, spec.commandLine().getErr(), "netns", "exec", pods.get(0).name(), "--",
                    "ping", "-c", "2", "-W", "1", ips.get(1));
            out.println("   pod-to-pod ping across kdemo0: exit status " + ping);
            out.println("   the masquerade rules in the node ('nft list ruleset', excerpt):");
            shell(out, "sh", "-c", "ip netns exec " + node.name() + " nft list ruleset | grep -E 'table|masquerade|comment' | head -6");
        } finally {
            for (NetNamespace pod : pods) {
                node.run(() -> bridge.run(cniEnv("DEL", pod), conf.getBytes(StandardCharsets.UTF_8),
                        new ByteArrayOutputStream(), new ByteArrayOutputStream()));
            }
            node.execute(dev.keelson.linux.nft.KeptContexts::releaseCurrentNetns);
        }
        try (var left = Files.list(data.resolve("demo-net"))) {
            out.println("   DEL both: allocation files left " + left.filter(f -> Character.isDigit(f.getFileName().toString().charAt(0))).count()
                    + ", masquerade rules left: " + (shellText("ip", "netns", "exec", node.name(), "nft", "list", "ruleset")
                    .contains("demo-net") ? "some" : "none"));
        }
        Files.walk(data).sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }

    private static Map<String, String> cniEnv(String verb, NetNamespace pod) {
        return Map.of("CNI_COMMAND", verb, "CNI_CONTAINERID", "demo-" + pod.name(), "CNI_NETNS", pod.path().toString(),
                "CNI_IFNAME", "eth0", "CNI_PATH", "/usr/lib/cni", "PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    }

    private static String shellText(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return text;
    }

    private static void step(PrintWriter out, String text) {
        out.println();
        out.println(text);
        out.flush();
    }

    private static void shell(PrintWriter out, String... argv) throws Exception {
        for (String line : shellText(argv).split("\n")) {
            if (!line.isBlank()) {
                out.println("   " + line);
            }
        }
        out.flush();
    }

}
