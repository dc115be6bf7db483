package dev.keelson.cli;

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
import java.time.Duration;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code keelson demo}: the data-path demo, end to end on this machine. For now: namespaces made
 * by syscalls and pinned where iproute2 sees them, a command run inside one, the warm pool, and
 * the netns benchmark against {@code ip netns} and the C floor. Everything it makes is removed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the data-path demo: namespaces, exec, a veth link and ping between namespaces, the warm pool,"
                + " and the netns benchmark.")
final class DemoCommand implements Callable<Integer> {
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

            step(out, "7. Delete them ('ip netns del' semantics: lazy unmount + unlink):");
            for (NetNamespace ns : made) {
                ns.delete();
                out.println("   deleted " + ns.name());
            }
            made.clear();
            shell(out, "ip", "netns", "list");
            out.flush();

            if (!skipBench) {
                step(out, "8. The netns benchmark, side by side with 'ip netns' and the C floor:");
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

    private static void step(PrintWriter out, String text) {
        out.println();
        out.println(text);
        out.flush();
    }

    private static void shell(PrintWriter out, String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.println("   " + line);
            }
        }
        out.flush();
    }

}
