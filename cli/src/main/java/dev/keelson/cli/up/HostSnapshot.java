package dev.keelson.cli.up;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the demo promises to leave as it found: the pins in /run/netns, the links of the caller's
 * network namespace ({@code ip -o link}), the mount table, and Keelson cgroups.
 *
 * @param pins names under /run/netns
 * @param links link names of this namespace
 * @param mounts mount points (from /proc/self/mountinfo)
 * @param cgroups the cluster's cgroup parent in the memory hierarchy, when it exists (other tools'
 *                cgroups come and go meanwhile and are not the demo's business)
 */
public record HostSnapshot(List<String> pins, List<String> links, List<String> mounts, List<String> cgroups) {
    /** Takes the snapshot now, for the cluster of {@code layout}. */
    public static HostSnapshot take(ClusterLayout layout) throws IOException, InterruptedException {
        String parent = layout.cgroupParent().substring(1);
        return new HostSnapshot(names(Path.of("/run/netns"), ""), readLinks(), readMounts(),
                names(Path.of("/sys/fs/cgroup/memory"), parent).stream().filter(parent::equals).toList());
    }

    /** Prints each part side by side with {@code before}; returns whether everything is the same. */
    public boolean printComparedTo(HostSnapshot before, PrintWriter out) {
        boolean same = true;
        same &= line(out, "network namespaces in /run/netns", before.pins, pins);
        same &= line(out, "links in this namespace", before.links, links);
        same &= line(out, "mounts", before.mounts, mounts);
        same &= line(out, "the cluster's cgroups", before.cgroups, cgroups);
        out.flush();
        return same;
    }

    /**
     * Creating the first pin makes /run/netns a shared bind mount of itself, as {@code ip netns add}
     * does, and it stays one. When it was not a mount point before and holds no pin now, that mount is
     * undone, so the mount table is as it was.
     */
    public void restoreNetnsMount(HostSnapshot before) throws IOException {
        String dir = "/run/netns";
        long was = before.mounts.stream().filter(dir::equals).count();
        long is = mounts.stream().filter(dir::equals).count();
        if (is > was && names(Path.of(dir), "").isEmpty()) {
            for (long i = was; i < is; i++) {
                dev.keelson.linux.Libc.umount2(dir, dev.keelson.linux.Flags.MNT_DETACH);
            }
        }
    }

    private static boolean line(PrintWriter out, String what, List<String> before, List<String> after) {
        List<String> added = minus(after, before);
        List<String> gone = minus(before, after);
        boolean same = added.isEmpty() && gone.isEmpty();
        out.printf("   %-36s before %3d, after %3d  %s%n", what, before.size(), after.size(),
                same ? "same" : "DIFFERENT: added " + added + ", gone " + gone);
        return same;
    }

    /** {@code a} without one occurrence of each element of {@code b} (a multiset difference: a mount may be stacked twice). */
    private static List<String> minus(List<String> a, List<String> b) {
        List<String> left = new ArrayList<>(a);
        b.forEach(left::remove);
        return left;
    }

    private static List<String> names(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
        }
    }

    private static List<String> readLinks() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "-o", "link", "show").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return text.lines().map(l -> l.split(":")).filter(a -> a.length > 1)
                .map(a -> a[1].strip().replaceFirst("@.*", "")).sorted().toList();
    }

    private static List<String> readMounts() throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = l.split(" ");
            if (f.length > 4) {
                out.add(f[4]);
            }
        }
        out.sort(null);
        return out;
    }
}
