package dev.keelson.cli.up;

import dev.keelson.cri.sandbox.Cgroups;
import dev.keelson.netns.NetnsDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host side of stopping a cluster, after its pods are gone: unpin the node namespaces and the
 * underlay's (the kernel frees each, with its bridges, veths, routes and nftables tables, once no
 * process is inside), remove every node's pod cgroup parent and CRI socket, the record and the run
 * directory. Idempotent.
 */
final class HostTeardown {
    private HostTeardown() {
    }

    static void run(ClusterLayout layout, List<Path> pins) throws IOException {
        for (Path pin : pins) {
            NetnsDirectory.of(pin.getParent()).delete(pin.getFileName().toString());
        }
        List<Path> busy = new java.util.ArrayList<>();
        for (int k = 1; k <= layout.nodes(); k++) {
            busy.addAll(Cgroups.remove(layout.forNode(k).cgroupParent()));
        }
        if (!busy.isEmpty()) {
            throw new IOException("pod cgroups still busy: " + busy + "; a container may still run (the record "
                    + layout.recordFile() + " stays for keelson down)");
        }
        Files.deleteIfExists(layout.recordFile());
        for (int k = 1; k <= layout.nodes(); k++) {
            Files.deleteIfExists(layout.forNode(k).criSocket());
        }
        try (var s = Files.list(layout.runDir())) {
            if (s.findAny().isEmpty()) {
                Files.delete(layout.runDir());
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // already gone
        }
    }
}
