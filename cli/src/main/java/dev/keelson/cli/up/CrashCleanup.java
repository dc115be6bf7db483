package dev.keelson.cli.up;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code keelson down} after node processes that died: for each node, a process started inside the
 * node's namespace (or, when its pin is gone too, inside a throwaway empty one, so no CNI DEL can
 * ever touch the host's links) removes its pods; then {@link HostTeardown} removes pins, cgroups and
 * the record.
 */
public final class CrashCleanup {
    private CrashCleanup() {
    }

    /**
     * Cleans every node of the cluster of {@code record}, then the host side.
     *
     * @param layout the cluster (any node's layout)
     * @return 0 when everything went, else the exit code of the node-side process that failed
     */
    public static int run(ClusterLayout layout, UpRecord record, PrintWriter out) throws Exception {
        ClusterLayout cluster = layout.withNodes(record.nodes());
        for (int k = 1; k <= cluster.nodes(); k++) {
            int rc = cleanNode(cluster.forNode(k), out);
            if (rc != 0) {
                out.println("keelson down: removing the pods of node " + k + " failed (exit " + rc + "); the record stays for another try");
                out.flush();
                return rc;
            }
        }
        List<Path> pins = new ArrayList<>(record.netnsPins().stream().map(Path::of).toList());
        HostTeardown.run(cluster, pins);
        out.println("keelson down: cluster \"" + layout.cluster() + "\" cleaned up");
        return 0;
    }

    /**
     * Runs {@code keelson down --node-process} for one node inside its namespace (or a throwaway one):
     * it removes the node's pods, their leftovers, its pod cgroup parent and CRI socket.
     *
     * @return that process's exit code
     */
    public static int cleanNode(ClusterLayout node, PrintWriter out) throws Exception {
        NetnsDirectory pins = NetnsDirectory.system();
        Path where = pins.pathOf(node.nodeNetns());
        NetNamespace throwaway = null;
        if (!Files.exists(where)) {
            throwaway = pins.create("keelson-" + node.cluster() + "-down", true);
            where = throwaway.path();
        }
        try {
            List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + where, "--"));
            argv.addAll(NodeNetnsLauncher.javaCommand());
            argv.addAll(List.of("down", "--node-process", "--node", Integer.toString(node.node()), "--cluster", node.cluster(),
                    "--data-dir", node.dataDir().toString(), "--run-dir", node.runDir().toString(),
                    "--port", Integer.toString(node.port())));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            try (var lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(out::println);
            }
            int rc = p.waitFor();
            out.flush();
            return rc;
        } finally {
            if (throwaway != null) {
                throwaway.delete();
            }
        }
    }
}
