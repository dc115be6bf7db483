package dev.keelson.cni.plugins.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.skel.Invocation;
import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.Command;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The "after kill -9 in the middle of ADD, GC returns the node to a clean state": a
 * separate JVM ({@link BridgeAddWorker}) runs bridge ADDs with ipMasq, macspoofchk and
 * host-local back to back and is killed with SIGKILL after a delay that differs each round, so
 * the kill lands at a different step of an ADD each time. Like a runtime, the test then deletes
 * the namespace of the pod whose ADD never returned (and of one finished pod it gives up on), and
 * runs our GC in-process with the surviving attachments. Afterwards the node must hold exactly the
 * survivors' allocation files, nftables chains and map elements, and bridge ports.
 */
@KernelTest
class KillDuringAddGcTest {
    private static final String NET = "kill-net";
    private static final int PODS = 6;
    private static final Pattern COMMENT = Pattern.compile("comment \"keelson (ipMasq|macspoofchk) net=" + NET + " id=(\\S+) if=eth0\"");

    @Test
    void gcAfterKillNineLeavesOnlyTheSurvivors() throws Exception {
        String tag = "kn" + ProcessHandle.current().pid() % 10000;
        NetNamespace node = NetNamespace.create(tag + "-node");
        Path dataDir = Files.createTempDirectory("kill-ipam");
        String conf = """
                {"cniVersion":"1.1.0","name":"%s","type":"bridge","bridge":"kbr0","isGateway":true,"ipMasq":true,
                 "macspoofchk":true,"ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.77.0.0/16"}]]}}
                """.formatted(NET, dataDir);
        Path confFile = Files.createTempFile("kill-conf", ".json");
        Files.writeString(confFile, conf);
        List<String> survivors = new ArrayList<>();
        List<NetNamespace> allPods = new ArrayList<>();
        int rounds = 8;
        int leakedBeforeGc = 0;
        try {
            for (int r = 0; r < rounds; r++) {
                String prefix = tag + "r" + r + "p";
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                        "-cp", System.getProperty("java.class.path"), BridgeAddWorker.class.getName(),
                        node.name(), confFile.toString(), prefix, String.valueOf(PODS))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("READY", in.readLine());
                // A few ADDs complete (they warm the worker up), then the kill comes at a delay
                // that sweeps across an ADD's duration from round to round.
                String inFlight = null;
                int completed = 0;
                long killAfterNanos = -1;
                long begun = 0;
                long lastAdd = 0;
                while (true) {
                    String line = in.readLine();
                    if (line == null) {
                        break;
                    }
                    if (line.startsWith("BEGIN ")) {
                        inFlight = line.substring(6);
                        begun = System.nanoTime();
                        if (completed == 4) {
                            // 0/8, 1/8 … 7/8 of the previous ADD's duration into the fifth ADD.
                            killAfterNanos = lastAdd * r / rounds;
                            long until = System.nanoTime() + killAfterNanos;
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                            p.toHandle().destroyForcibly(); // SIGKILL; unlike Process.destroyForcibly it leaves the pipe open to drain
                            break;
                        }
                    } else if (line.startsWith("END ")) {
                        survivors.add(line.substring(4));
                        lastAdd = System.nanoTime() - begun;
                        completed++;
                        inFlight = null;
                    } else {
                        throw new AssertionError("worker: " + line);
                    }
                }
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                // Drain what the worker printed before it died: an END right before the kill counts.
                String rest;
                while ((rest = in.readLine()) != null) {
                    if (rest.startsWith("END ")) {
                        survivors.add(rest.substring(4));
                        if (rest.substring(4).equals(inFlight)) {
                            inFlight = null;
                        }
                    }
                }
                for (int i = 0; i < PODS; i++) {
                    allPods.add(NetNamespace.open(Path.of("/run/netns/" + prefix + i)));
                }
                Set<String> leaks = leakedIds(node, dataDir);
                boolean leaked = inFlight != null && leaks.contains(inFlight);
                leakedBeforeGc += leaked ? 1 : 0;
                System.out.printf("round %d: SIGKILL %.2f ms into the ADD of %s (previous ADD took %.2f ms); it left state behind: %s%n",
                        r, killAfterNanos / 1e6, inFlight, lastAdd / 1e6, leaked);
            }
            // The runtime gives up on one finished pod too: it is removed without DEL.
            String abandoned = survivors.remove(0);
            Set<String> valid = new TreeSet<>(survivors);
            for (NetNamespace pod : allPods) {
                if (!valid.contains(pod.name())) {
                    pod.delete();
                }
            }
            String gcConf = conf.strip().replaceFirst("}$", ",\"cni.dev/valid-attachments\":["
                    + String.join(",", valid.stream().map(id -> "{\"containerID\":\"" + id + "\",\"ifname\":\"eth0\"}").toList())
                    + "]}");
            Map<String, String> env = new HashMap<>(Map.of("CNI_COMMAND", "GC", "CNI_PATH", "/usr/lib/cni"));
            long s = System.nanoTime();
            Invocation gc = node.run(() -> Invocation.ours(new BridgePlugin(), BridgePlugin.ABOUT, env, gcConf));
            System.out.printf("GC of %d attachments (%d valid) took %.1f ms; %d of %d killed ADDs had left state behind%n",
                    allPods.size(), valid.size(), (System.nanoTime() - s) / 1e6, leakedBeforeGc, rounds);
            assertEquals(0, gc.exit(), gc.out());

            assertEquals(valid, allocationOwners(dataDir), "allocation files");
            assertEquals(valid, chainOwners(node, "ipMasq"), "ipMasq chains");
            assertEquals(valid, chainOwners(node, "macspoofchk"), "macspoofchk chains");
            String rs = ruleset(node);
            assertEquals(valid.size(), countElements(rs, "pods4"), "pods4 elements\n" + rs);
            assertEquals(valid.size(), countElements(rs, "ports"), "ports elements\n" + rs);
            assertEquals(valid.size(), bridgePorts(node, valid.size()), "veths on the bridge");
            assertTrue(!valid.contains(abandoned));
        } finally {
            for (NetNamespace pod : allPods) {
                try {
                    pod.delete();
                } catch (RuntimeException e) {
                    // already deleted above
                }
                pod.close();
            }
            node.run(() -> {
                dev.keelson.linux.nft.KeptContexts.releaseCurrentNetns();
                return null;
            });
            node.delete();
            node.close();
            Command.ok("rm", "-rf", dataDir.toString(), confFile.toString());
        }
    }

    /** Containers that own an allocation file or an nft chain. */
    private static Set<String> leakedIds(NetNamespace node, Path dataDir) throws Exception {
        Set<String> ids = new TreeSet<>(allocationOwners(dataDir));
        ids.addAll(chainOwners(node, "ipMasq"));
        ids.addAll(chainOwners(node, "macspoofchk"));
        return ids;
    }

    private static Set<String> allocationOwners(Path dataDir) throws Exception {
        Set<String> owners = new TreeSet<>();
        Path net = dataDir.resolve(NET);
        if (!Files.isDirectory(net)) {
            return owners;
        }
        try (Stream<Path> files = Files.list(net)) {
            for (Path f : files.filter(f -> Character.isDigit(f.getFileName().toString().charAt(0))).toList()) {
                owners.add(Files.readString(f).split("\r\n")[0].strip());
            }
        }
        return owners;
    }

    private static Set<String> chainOwners(NetNamespace node, String kind) {
        Set<String> ids = new TreeSet<>();
        Matcher m = COMMENT.matcher(ruleset(node));
        while (m.find()) {
            if (m.group(1).equals(kind)) {
                ids.add(m.group(2));
            }
        }
        return ids;
    }

    private static String ruleset(NetNamespace node) {
        return Command.ok("ip", "netns", "exec", node.name(), "nft", "list", "ruleset");
    }

    /** The number of elements of map {@code name} in a ruleset listing. */
    private static int countElements(String ruleset, String name) {
        Matcher m = Pattern.compile("map " + name + " \\{[^}]*?(elements = \\{([^}]*)\\})?\\s*\\}").matcher(ruleset);
        if (!m.find() || m.group(2) == null) {
            return 0;
        }
        return (int) Pattern.compile(": goto ").matcher(m.group(2)).results().count();
    }

    /** Ports of the bridge once the kernel has removed the veths of deleted namespaces (it does so asynchronously). */
    private static int bridgePorts(NetNamespace node, int expected) throws InterruptedException {
        int n = -1;
        long until = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < until) {
            n = Ip.json(node.name(), "link", "show", "master", "kbr0").size();
            if (n == expected) {
                break;
            }
            Thread.sleep(50);
        }
        return n;
    }
}
