package dev.keelson.cri.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPU and memory usage of one container's cgroup on cgroup v1 (kernel
 * {@code Documentation/admin-guide/cgroup-v1/cpuacct.rst} and {@code memory.rst}), in the terms
 * the kubelet uses: the working set is usage minus inactive file pages (cAdvisor's rule).
 *
 * @param cpuNanos {@code cpuacct.usage}: CPU time of all tasks, nanoseconds
 * @param usageBytes {@code memory.usage_in_bytes}
 * @param workingSetBytes usage minus {@code total_inactive_file}, never negative
 * @param availableBytes limit minus working set, or -1 without a limit
 * @param rssBytes {@code total_rss}
 * @param pageFaults {@code total_pgfault}
 * @param majorPageFaults {@code total_pgmajfault}
 */
public record CgroupStats(long cpuNanos, long usageBytes, long workingSetBytes, long availableBytes, long rssBytes,
                          long pageFaults, long majorPageFaults) {
    /** memory.limit_in_bytes without a limit is PAGE_COUNTER_MAX pages (≈ 2^63 bytes); anything this high is "none". */
    private static final long UNLIMITED = 1L << 62;

    /** Reads the cgroup {@code relative} (e.g. {@code /keelson/POD/CTR}) under {@code root}; empty once it is gone. */
    public static Optional<CgroupStats> read(Path root, String relative) {
        String rel = relative.replaceFirst("^/+", "");
        Path cpu = root.resolve("cpuacct").resolve(rel);
        Path mem = root.resolve("memory").resolve(rel);
        try {
            long cpuNanos = number(cpu.resolve("cpuacct.usage"));
            long usage = number(mem.resolve("memory.usage_in_bytes"));
            long limit = number(mem.resolve("memory.limit_in_bytes"));
            Map<String, Long> stat = new HashMap<>();
            for (String line : Files.readAllLines(mem.resolve("memory.stat"))) {
                String[] f = line.split(" ");
                if (f.length == 2) {
                    stat.put(f[0], Long.parseLong(f[1]));
                }
            }
            long ws = Math.max(0, usage - stat.getOrDefault("total_inactive_file", 0L));
            long available = limit >= UNLIMITED ? -1 : Math.max(0, limit - ws);
            return Optional.of(new CgroupStats(cpuNanos, usage, ws, available, stat.getOrDefault("total_rss", 0L),
                    stat.getOrDefault("total_pgfault", 0L), stat.getOrDefault("total_pgmajfault", 0L)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read cgroup " + relative + ": " + e.getMessage(), e);
        }
    }

    private static long number(Path p) throws IOException {
        return Long.parseLong(Files.readString(p).trim());
    }
}
