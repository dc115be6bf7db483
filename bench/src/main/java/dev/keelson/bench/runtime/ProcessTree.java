package dev.keelson.bench.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Processes as {@code /proc} shows them, for the memory figures: the resident set of a process and
 * of its descendants. A process that ends while being read is skipped.
 */
public final class ProcessTree {
    private ProcessTree() {
    }

    /**
     * One process.
     *
     * @param pid its id
     * @param ppid its parent's id
     * @param commandLine its arguments joined by spaces
     * @param rssKib its resident set ({@code VmRSS}) in KiB; 0 for a kernel thread
     */
    public record Proc(long pid, long ppid, String commandLine, long rssKib) {
        /** The program's file name (the first argument's last path element). */
        public String program() {
            String first = commandLine.isEmpty() ? "" : commandLine.split(" ", 2)[0];
            return first.substring(first.lastIndexOf('/') + 1);
        }
    }

    /** Every process that could be read. */
    public static Stream<Proc> all() {
        List<Proc> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                Proc p = read(d);
                if (p != null) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return out.stream();
    }

    /** {@code root} and all its descendants that are alive now. */
    public static List<Proc> treeOf(long root) {
        List<Proc> procs = all().toList();
        Set<Long> inTree = new HashSet<>(Set.of(root));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Proc p : procs) {
                if (!inTree.contains(p.pid()) && inTree.contains(p.ppid())) {
                    inTree.add(p.pid());
                    grew = true;
                }
            }
        }
        return procs.stream().filter(p -> inTree.contains(p.pid())).toList();
    }

    /** The summed resident set of {@code procs}, in MiB. */
    public static double rssMib(List<Proc> procs) {
        return procs.stream().mapToLong(Proc::rssKib).sum() / 1024.0;
    }

    private static Proc read(Path dir) {
        try {
            long pid = Long.parseLong(dir.getFileName().toString());
            long ppid = 0;
            long rss = 0;
            for (String line : Files.readAllLines(dir.resolve("status"))) {
                if (line.startsWith("PPid:")) {
                    ppid = Long.parseLong(line.substring(5).strip());
                } else if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).strip().split("\\s+")[0]);
                }
            }
            byte[] raw = Files.readAllBytes(dir.resolve("cmdline"));
            String cmd = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return new Proc(pid, ppid, cmd, rss);
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }
}
