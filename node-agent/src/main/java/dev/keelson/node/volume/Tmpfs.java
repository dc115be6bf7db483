package dev.keelson.node.volume;

import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * tmpfs mounts for memory-backed volumes (emptyDir {@code medium: Memory}, secrets, projected),
 * through mount(2)/umount2(2) of the native {@link Libc} facade, and the mount table read from
 * {@code /proc/self/mountinfo} (proc(5)). The mounts are made in the agent's mount namespace; the
 * CRI runtime must share it (as the kubelet and containerd share the host's) to bind them into
 * containers.
 */
public final class Tmpfs {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    // linux/mount.h: no set-uid binaries or device nodes take effect on a pod's tmpfs
    private static final long MS_NOSUID = 2;
    private static final long MS_NODEV = 4;

    private Tmpfs() {}

    /**
     * Mounts a tmpfs on {@code dir} unless one is already there.
     *
     * @param sizeBytes the size limit, or 0 for tmpfs' default (half of RAM)
     * @return true when a new mount was made
     */
    public static boolean ensure(Path dir, long sizeBytes) throws IOException {
        Files.createDirectories(dir);
        Path abs = dir.toRealPath();
        if (mountPoints().contains(abs)) {
            return false;
        }
        String data = "mode=0755" + (sizeBytes > 0 ? ",size=" + sizeBytes : "");
        Libc.mount("tmpfs", abs.toString(), "tmpfs", MS_NOSUID | MS_NODEV, data);
        return true;
    }

    /** Lazily unmounts every mount at or below {@code dir}, deepest first. */
    public static int unmountUnder(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        List<Path> under = new ArrayList<>(mountPoints().stream().filter(p -> p.startsWith(abs)).toList());
        under.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path p : under) {
            // MNT_DETACH: a container still holding a file open must not block pod teardown
            Libc.umount2(p.toString(), Flags.MNT_DETACH);
        }
        return under.size();
    }

    /** Every mount point of this mount namespace. */
    public static List<Path> mountPoints() {
        List<Path> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(MOUNTINFO)) {
                String[] f = line.split(" ");
                if (f.length > 4) {
                    out.add(Path.of(unescape(f[4])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + MOUNTINFO, e);
        }
        return out;
    }

    /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
