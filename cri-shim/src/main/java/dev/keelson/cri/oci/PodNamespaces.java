package dev.keelson.cri.oci;

import java.nio.file.Path;

/**
 * The namespaces of a pod that its containers join: the network namespace pin (null for a
 * host-network pod), and the pause process whose IPC, UTS and (when shared) PID namespaces they
 * enter through {@code /proc/PID/ns/*}.
 *
 * @param netns the pod's network namespace pin, or null when the pod uses the node's network
 * @param pausePid the pause container's init
 * @param hostIpc the pod uses the node's IPC namespace
 * @param hostPid the pod uses the node's PID namespace
 */
public record PodNamespaces(Path netns, int pausePid, boolean hostIpc, boolean hostPid) {
    /** {@code /proc/PID/ns/TYPE} of the pause process. */
    public Path ofPause(String type) {
        return Path.of("/proc", Integer.toString(pausePid), "ns", type);
    }
}
