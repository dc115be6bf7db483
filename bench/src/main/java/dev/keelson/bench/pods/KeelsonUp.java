package dev.keelson.bench.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.bench.runtime.ProcessTree;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.control.client.Resource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code keelson up} cluster, started as the command starts it: a JVM that creates the node's
 * network namespace and then becomes (execve, same pid) the cluster JVM inside it — API server,
 * scheduler, controllers, Keelson's CRI runtime, the node agent, Service proxy, cluster DNS — which
 * also listens on this namespace's loopback for the API port. Its data and run directories are scratch directories of the benchmark. The class path must
 * hold the {@code keelson} CLI (it does under {@code bin/keelson bench}).
 */
final class KeelsonUp implements AutoCloseable {
    static final String MAIN = "dev.keelson.cli.Main";

    private final String cluster;
    private final Path dataDir;
    private final Path log;
    private Process process;
    private KubeClient client;

    private KeelsonUp(String cluster, Path dataDir, Path log) {
        this.cluster = cluster;
        this.dataDir = dataDir;
        this.log = log;
    }

    /** Why {@code keelson up} cannot be started from this JVM, or null when it can. */
    static String unavailable() {
        try {
            Class.forName(MAIN, false, KeelsonUp.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return "the keelson CLI (" + MAIN + ") is not on the class path; run through bin/keelson bench pods";
        }
        if (System.getProperty("keelson.libexec") == null) {
            return "keelson.libexec is not set; run through bin/keelson bench pods";
        }
        return null;
    }

    /** Starts cluster {@code cluster} with its files under {@code dir}; returns once its node is Ready. */
    static KeelsonUp start(String cluster, Path dir, long readyTimeoutSeconds) throws Exception {
        KeelsonUp up = new KeelsonUp(cluster, dir.resolve("data"), dir.resolve("keelson-up.log"));
        try {
            up.launch(dir.resolve("run"), freePort());
            up.awaitReady(readyTimeoutSeconds);
            return up;
        } catch (Exception | Error e) {
            try {
                up.close();
            } catch (Exception cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void launch(Path runDir, int port) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        for (String key : List.of("keelson.libexec", "keelson.bench.bin")) {
            String v = System.getProperty(key);
            if (v != null) {
                cmd.add("-D" + key + "=" + v);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN, "up", "--cluster", cluster,
                "--data-dir", dataDir.toString(), "--run-dir", runDir.toString(), "--port", Integer.toString(port)));
        Files.createDirectories(log.getParent());
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private void awaitReady(long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Path kubeconfig = dataDir.resolve("server/admin.kubeconfig");
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("keelson up exited with status " + process.exitValue() + ":\n" + logTail());
            }
            if (client == null && Files.exists(kubeconfig) && logText().contains("is up")) {
                client = new KubeClient(Kubeconfig.load(kubeconfig), "keelson-bench-pods");
            }
            if (client != null && nodeReady(client, nodeName())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("keelson up: node " + nodeName() + " not Ready within " + timeoutSeconds + " s:\n" + logTail());
            }
            Thread.sleep(200);
        }
    }

    /** Whether Node {@code name} exists and its Ready condition is True. */
    static boolean nodeReady(KubeClient client, String name) {
        try {
            ObjectNode node = client.get(Resource.NODES, null, name);
            for (JsonNode c : node.path("status").path("conditions")) {
                if (c.path("type").asText().equals("Ready")) {
                    return c.path("status").asText().equals("True");
                }
            }
            return false;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    /** A client of the cluster's API server (through the relay on this namespace's loopback). */
    KubeClient client() {
        return client;
    }

    /** The admin kubeconfig. */
    Path kubeconfig() {
        return dataDir.resolve("server/admin.kubeconfig");
    }

    /** The node's name ({@code CLUSTER-node1}). */
    String nodeName() {
        return cluster + "-node1";
    }

    /** The pin name of the node's network namespace under /run/netns. */
    String nodeNetns() {
        return "keelson-" + cluster + "-node1";
    }

    /** The cluster JVM (every java process of the tree: one, since keelson up execs into it). */
    List<ProcessTree.Proc> jvms() {
        return ProcessTree.treeOf(process.pid()).stream().filter(p -> p.program().equals("java")).toList();
    }

    /** Keelson's per-container shim processes ({@code keelson-cri-shim}) of this cluster. */
    List<ProcessTree.Proc> shims() {
        String marker = dataDir.toString();
        return ProcessTree.all().filter(p -> p.program().equals("keelson-cri-shim") && p.commandLine().contains(marker)).toList();
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    String logTail() {
        List<String> lines = logText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** SIGTERM to the cluster JVM, which removes every pod and cleans up; waits for it. */
    @Override
    public void close() throws IOException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                throw new IOException("keelson up did not stop within 180 s (pid " + process.pid() + "); run keelson down --cluster "
                        + cluster + ":\n" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
