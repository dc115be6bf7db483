package dev.keelson.cli.up;

import dev.keelson.cri.sandbox.Cgroups;
import dev.keelson.netns.NetnsDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host side of stopping a cluster, after its pods are gone: unpin the node namespaces (the
 * kernel frees each, with its bridge, veth ends and nftables tables, once no process is inside),
 * remove the pods' cgroup parent, the record and the run directory. Idempotent.
 */
final class HostTeardown {
    private HostTeardown() {
    }

    static void run(ClusterLayout layout, List<Path> pins) throws IOException {
        for (Path pin : pins) {
            NetnsDirectory.of(pin.getParent()).delete(pin.getFileName().toString());
        }
        List<Path> busy = Cgroups.remove(layout.cgroupParent());
        if (!busy.isEmpty()) {
            throw new IOException("pod cgroups still busy: " + busy + "; a container may still run (the record "
                    + layout.recordFile() + " stays for keelson down)");
        }
        Files.deleteIfExists(layout.recordFile());
        Files.deleteIfExists(layout.criSocket());
        try (var s = Files.list(layout.runDir())) {
            if (s.findAny().isEmpty()) {
                Files.delete(layout.runDir());
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // already gone
        }
    }
}
