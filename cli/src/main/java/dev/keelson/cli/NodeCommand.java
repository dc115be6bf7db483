package dev.keelson.cli;

import dev.keelson.node.NodeAgent;
import dev.keelson.node.NodeAgentConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keelson node}: the node agent in the foreground — registers the Node with the API server
 * of a kubeconfig and runs the pods bound to it through a CRI socket, until SIGTERM/SIGINT (pods
 * keep running in the runtime; the next start adopts them).
 */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Run the node agent (kubelet): register this node and run its pods through a CRI socket.")
final class NodeCommand implements Callable<Integer> {
    @Option(names = "--kubeconfig", paramLabel = "FILE", required = true, description = "Kubeconfig of the API server.")
    Path kubeconfig;
    @Option(names = "--node-name", paramLabel = "NAME", description = "Node name (default: this host's name, lowercased).")
    String nodeName;
    @Option(names = "--cri-socket", paramLabel = "PATH", description = "CRI endpoint's Unix socket (default: ${DEFAULT-VALUE}).")
    Path criSocket = NodeAgentConfig.DEFAULT_CRI_SOCKET;
    @Option(names = "--node-ip", paramLabel = "ADDR", description = "InternalIP to report (default: first non-loopback IPv4 address).")
    String nodeIp;
    @Option(names = "--pod-cidr", paramLabel = "CIDR", description = "podCIDR to put in the Node's spec when registering.")
    String podCidr;
    @Option(names = "--node-label", paramLabel = "KEY=VALUE", description = "Extra Node label, repeatable.")
    List<String> labels = new ArrayList<>();
    @Option(names = "--cluster-dns", paramLabel = "ADDR", description = "Cluster DNS server for ClusterFirst pods, repeatable.")
    List<String> clusterDns = new ArrayList<>();
    @Option(names = "--cluster-domain", paramLabel = "DOMAIN", description = "Cluster DNS domain (default: ${DEFAULT-VALUE}).")
    String clusterDomain = "cluster.local";
    @Option(names = "--pod-log-dir", paramLabel = "DIR", description = "Pod log root (default: ${DEFAULT-VALUE}).")
    Path podLogDir = Path.of("/var/log/pods");
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isReadable(kubeconfig)) {
            throw new Main.UsageError("--kubeconfig " + kubeconfig + ": no such readable file");
        }
        String name = nodeName != null ? nodeName : hostname();
        NodeAgentConfig config;
        try {
            config = NodeAgentConfig.of(name, kubeconfig, criSocket).withNodeIp(nodeIp).withPodCidr(podCidr)
                    .withLabels(labels(labels)).withClusterDns(clusterDns, clusterDomain).withPodLogDir(podLogDir);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageError(e.getMessage());
        }
        out.println("keelson node: node " + name + ", API server from " + kubeconfig + ", CRI at " + criSocket);
        out.flush();
        NodeAgent agent = NodeAgent.start(config, line -> {
            out.println(Instant.now() + " " + line);
            out.flush();
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    private static String hostname() throws java.io.IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip().toLowerCase(java.util.Locale.ROOT);
    }

    static Map<String, String> labels(List<String> specs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : specs) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new Main.UsageError("--node-label wants KEY=VALUE, not \"" + s + "\"");
            }
            m.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return m;
    }
}
