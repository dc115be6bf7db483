package dev.keelson.cni.nft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The iptables fallback of {@link IpMasq}, for nodes where nftables is unusable. It writes the
 * reference's layout (plugins v1.1.1 {@code ip.SetupIPMasq}), so either implementation can
 * remove the other's rules:
 * <pre>
 * *nat
 * :CNI-&lt;24 hex of sha512(name+id)&gt;
 * -A CNI-… -d 10.0.0.0/24 -j ACCEPT -m comment --comment "name: \"net\" id: \"cid\""
 * -A CNI-… ! -d 224.0.0.0/4 -j MASQUERADE -m comment --comment …
 * -A POSTROUTING -s 10.0.0.5 -j CNI-… -m comment --comment …
 * </pre>
 * applied with {@code iptables-restore --noflush} (one process and one table commit per family).
 * DEL finds the POSTROUTING jumps by reading {@code iptables-save -t nat}, so it too needs no
 * prevResult.
 */
final class IptablesMasq {
    private IptablesMasq() {
    }

    /** The reference's chain name: "CNI-" and the start of sha512(name + id), 28 characters in all. */
    static String chainName(String network, String containerId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-512").digest((network + containerId).getBytes(StandardCharsets.UTF_8));
            return ("CNI-" + HexFormat.of().formatHex(d)).substring(0, 28);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Void setup(String network, String containerId, List<String> addresses) {
        String chain = chainName(network, containerId);
        String comment = "-m comment --comment \"name: \\\"" + network + "\\\" id: \\\"" + containerId + "\\\"\"";
        for (boolean v4 : new boolean[] {true, false}) {
            StringBuilder b = new StringBuilder("*nat\n:" + chain + " - [0:0]\n-F " + chain + "\n");
            boolean any = false;
            for (String a : addresses) {
                Prefix p = Prefix.parse(a);
                if (p.isIpv4() != v4) {
                    continue;
                }
                any = true;
                b.append("-A ").append(chain).append(" -d ").append(p.network()).append(" -j ACCEPT ").append(comment).append('\n');
                b.append("-A ").append(chain).append(" ! -d ").append(v4 ? "224.0.0.0/4" : "ff00::/8")
                        .append(" -j MASQUERADE ").append(comment).append('\n');
                b.append("-A POSTROUTING -s ").append(p.host()).append(" -j ").append(chain).append(' ').append(comment).append('\n');
            }
            if (any) {
                restore(v4, b.append("COMMIT\n").toString());
            }
        }
        return null;
    }

    static boolean teardown(String network, String containerId) {
        String chain = chainName(network, containerId);
        boolean removed = false;
        for (boolean v4 : new boolean[] {true, false}) {
            List<String> jumps = new ArrayList<>();
            boolean exists = false;
            for (String line : save(v4).split("\n")) {
                if (line.equals(":" + chain) || line.startsWith(":" + chain + " ")) {
                    exists = true;
                } else if (line.startsWith("-A POSTROUTING ") && line.contains(" -j " + chain)) {
                    jumps.add("-D" + line.substring(2));
                }
            }
            if (!exists) {
                continue;
            }
            StringBuilder b = new StringBuilder("*nat\n");
            jumps.forEach(j -> b.append(j).append('\n'));
            b.append("-F ").append(chain).append("\n-X ").append(chain).append("\nCOMMIT\n");
            restore(v4, b.toString());
            removed = true;
        }
        return removed;
    }

    static boolean isSetUp(String network, String containerId) {
        String chain = chainName(network, containerId);
        return save(true).contains(":" + chain + " ") || save(false).contains(":" + chain + " ");
    }

    /** Whether the fallback's tool, {@code iptables-restore}, is on PATH. */
    static boolean toolPresent() {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return Arrays.stream(path.split(":")).anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "iptables-restore")));
    }

    private static String save(boolean v4) {
        return exec(List.of(v4 ? "iptables-save" : "ip6tables-save", "-t", "nat"), null);
    }

    private static void restore(boolean v4, String rules) {
        exec(List.of(v4 ? "iptables-restore" : "ip6tables-restore", "--noflush", "-w"), rules);
    }

    private static String exec(List<String> argv, String stdin) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(argv.get(0) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(argv.get(0) + " failed (exit " + p.exitValue() + "): " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(argv.get(0) + " interrupted", e);
        }
    }
}
