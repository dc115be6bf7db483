package dev.keelson.cli.up;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How node K ≥ 2 finds the control plane, which node 1 starts at the same time: it waits for the
 * admin kubeconfig node 1's API server writes (the nodes share the machine's file system, so the
 * CA and token are simply read) and writes its own copy naming node 1's underlay address instead
 * of 127.0.0.1 (the serving certificate names that address too), then waits until the API server
 * accepts connections there.
 */
public final class NodeJoin {
    private NodeJoin() {
    }

    /** Waits for node 1's API server (at most {@code timeout}) and returns this node's kubeconfig. */
    public static Path await(ClusterLayout layout, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        String loopback = "https://127.0.0.1:" + layout.port();
        String api = ClusterLayout.underlayIp(1);
        while (true) {
            if (Files.exists(layout.kubeconfig()) && reachable(api, layout.port())) {
                String text = Files.readString(layout.kubeconfig());
                if (text.contains(loopback)) {
                    Path mine = layout.nodeKubeconfig();
                    Files.createDirectories(mine.getParent());
                    Path tmp = mine.resolveSibling(mine.getFileName() + ".tmp");
                    Files.writeString(tmp, text.replace(loopback, "https://" + api + ":" + layout.port()));
                    Files.move(tmp, mine, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    return mine;
                }
            }
            if (System.nanoTime() > end) {
                throw new IOException("node " + layout.node() + ": the API server of node 1 did not answer at " + api + ":"
                        + layout.port() + " within " + timeout.toSeconds() + " s (kubeconfig " + layout.kubeconfig() + ")");
            }
            Thread.sleep(250);
        }
    }

    private static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
