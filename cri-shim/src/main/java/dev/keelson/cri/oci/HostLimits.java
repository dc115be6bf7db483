package dev.keelson.cri.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Limits of the runtime's own process that a container spec must not exceed: without
 * CAP_SYS_RESOURCE (root on this node lacks it) the kernel refuses a lower {@code oom_score_adj}
 * than the current one (proc(5)) and a higher hard rlimit than the current one (setrlimit(2)),
 * and runc then fails the whole create.
 */
public final class HostLimits {
    private HostLimits() {
    }

    /** {@code requested}, raised to this process's own {@code /proc/self/oom_score_adj}. */
    public static int clampOomScoreAdj(long requested) {
        int floor = readInt(Path.of("/proc/self/oom_score_adj"), 0);
        return (int) Math.max(floor, Math.min(1000, requested));
    }

    /** The hard {@code RLIMIT_NOFILE} of this process ({@code /proc/self/limits}), or 1024 if unreadable. */
    public static long nofileHard() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return "unlimited".equals(f[1]) ? 1048576 : Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 1024;
        }
        return 1024;
    }

    private static int readInt(Path p, int dflt) {
        try {
            return Integer.parseInt(Files.readString(p).trim());
        } catch (IOException | NumberFormatException e) {
            return dflt;
        }
    }
}
