package dev.keelson.cli.up;

import dev.keelson.cri.sandbox.Cgroups;
import dev.keelson.cri.sandbox.SandboxRecord;
import dev.keelson.cri.server.CriNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Removing a node's pods and what they leave behind, inside the node's network namespace (a CNI DEL
 * must find the pod's veth where it was made — never in the host's namespace). Used by a cluster
 * that stops, and by {@code keelson down} after one that died.
 */
public final class NodeTeardown {
    private NodeTeardown() {
    }

    /** Removes every sandbox (containers, CNI DEL, netns pin, cgroup, records), then unowned overlay mounts. */
    static void removeAll(CriNode cri, Consumer<String> log) {
        List<SandboxRecord> all = cri.sandboxes().list();
        RuntimeException first = null;
        for (SandboxRecord r : all) {
            try {
                cri.sandboxes().remove(r.id());
            } catch (RuntimeException e) {
                log.accept("removing pod sandbox " + r.id() + ": " + e.getMessage());
                first = first == null ? e : first;
            }
        }
        List<String> mounts = cri.rootfs().removeLeftovers(List.of());
        log.accept("removed " + all.size() + " pod sandbox(es)" + (mounts.isEmpty() ? "" : " and " + mounts.size() + " rootfs mount(s)"));
        if (first != null) {
            throw first;
        }
    }

    /** After the pods: the pods' cgroup parent, host-local allocations, the CRI socket. */
    static void afterPods(ClusterLayout layout, Consumer<String> log) throws IOException {
        List<Path> busy = Cgroups.remove(layout.cgroupParent());
        if (!busy.isEmpty()) {
            throw new IOException("cgroups still busy after removing every pod: " + busy);
        }
        dev.keelson.linux.FileTrees.delete(layout.ipamDir());
        Files.deleteIfExists(layout.criSocket());
    }

    /**
     * Cleans up after a node process that died, from a process inside the node's netns: opens the
     * runtime over the same root (on a socket of its own) and removes every pod, then the rest.
     */
    public static void afterCrash(ClusterLayout layout, Path libexec, Consumer<String> log) throws Exception {
        if (Files.isDirectory(layout.criRoot())) {
            Path socket = layout.runDir().resolve("node" + layout.node() + "-cri-down.sock");
            try (CriNode cri = CriNode.start(new CriNode.Options(socket, layout.criRoot(), layout.cniConfDir(),
                    List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin")), "runc", Map.of(), Set.of(), libexec,
                    layout.cgroupParent(), null))) {
                removeAll(cri, log);
            }
        }
        afterPods(layout, log);
    }

}
