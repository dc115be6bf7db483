package dev.keelson.bench.pods;

import dev.keelson.bench.runtime.PrivateContainerd;
import dev.keelson.node.NodeAgent;
import dev.keelson.node.NodeAgentConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The peer's node: Keelson's node agent (the same code {@code keelson up} runs) in this JVM,
 * registered as a second Node of the same cluster, running its pods through containerd's CRI
 * socket. Its log goes to a file beside containerd's.
 */
final class ContainerdNode implements AutoCloseable {
    private final NodeAgent agent;
    private final PrintWriter log;

    private ContainerdNode(NodeAgent agent, PrintWriter log) {
        this.agent = agent;
        this.log = log;
    }

    static ContainerdNode start(String name, Path kubeconfig, PrivateContainerd containerd, String podCidr, String nodeIp,
                                Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        PrintWriter log = new PrintWriter(Files.newBufferedWriter(dir.resolve("node-agent.log"), StandardCharsets.UTF_8), true);
        try {
            NodeAgent agent = NodeAgent.start(NodeAgentConfig.of(name, kubeconfig, containerd.socket())
                    .withNodeIp(nodeIp).withPodCidr(podCidr).withPodLogDir(dir.resolve("logs")).withRootDir(dir.resolve("root"))
                    .withLabels(Map.of("keelson.dev/bench-runtime", "containerd")), line -> {
                        synchronized (log) {
                            log.println(line);
                        }
                    });
            return new ContainerdNode(agent, log);
        } catch (IOException | InterruptedException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            agent.close();
        } finally {
            log.close();
        }
    }
}
