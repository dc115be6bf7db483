package dev.keelson.cni.skel;

import dev.keelson.cni.spec.CniArgs;
import dev.keelson.cni.spec.NetworkConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One validated CNI invocation: the environment variables and the parsed config.
 *
 * @param netns {@code CNI_NETNS}; may be empty for DEL, GC and STATUS
 * @param containerId {@code CNI_CONTAINERID}; empty for GC and STATUS
 * @param ifName {@code CNI_IFNAME}; empty for GC and STATUS
 * @param rawArgs {@code CNI_ARGS} as given; see {@link #args()}
 * @param path {@code CNI_PATH} entries
 * @param stdin the config bytes as received (plugins that delegate, e.g. to IPAM, pass them on)
 */
public record Request(Command command, String containerId, String netns, String ifName, String rawArgs,
                      List<Path> path, NetworkConfig config, byte[] stdin) {

    /** The CNI verbs. */
    public enum Command { ADD, DEL, CHECK, VERSION, STATUS, GC }

    public Request {
        path = List.copyOf(path);
    }

    /** {@code CNI_ARGS} parsed; a malformed value is code 4. */
    public CniArgs args() {
        return CniArgs.parse(rawArgs);
    }

    /** {@code CNI_NETNS} as a path, or null when it is empty. */
    public Path netnsPath() {
        return netns == null || netns.isEmpty() ? null : Path.of(netns);
    }

    static List<Path> splitPath(String cniPath) {
        return cniPath == null || cniPath.isEmpty() ? List.of()
                : Arrays.stream(cniPath.split(":")).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }
}
