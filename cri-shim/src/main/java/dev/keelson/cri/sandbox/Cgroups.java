package dev.keelson.cri.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The cgroupfs side of a pod: the runtime creates and removes each container's cgroup
 * ({@code PARENT/POD/CTR}) in every v1 hierarchy, but the pod level ({@code PARENT/POD}) is ours to
 * remove once it is empty (rmdir(2) of an empty cgroup directory removes the cgroup).
 */
public final class Cgroups {
    /** Where cgroup hierarchies are mounted. */
    public static final Path ROOT = Path.of("/sys/fs/cgroup");

    private Cgroups() {
    }

    /** {@code relative} (e.g. {@code /keelson/POD}) in every hierarchy where it exists, deepest first. */
    public static List<Path> existing(String relative) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(ROOT)) {
            for (Path h : s.toList()) {
                Path p = h.resolve(relative.replaceFirst("^/+", ""));
                if (Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * The device rules a runtime gives a container with a deny-all devices cgroup: mknod of any
     * node, and read/write/mknod of /dev/null, zero, full, random, urandom, tty, console, ptmx and
     * the pseudo-terminals (what crun 1.8 writes for the OCI default devices).
     */
    static final List<String> DEFAULT_DEVICES = List.of("c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",
            "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm");

    /**
     * Makes {@code relative} in every cgroup v1 hierarchy (each once, however many names it is
     * mounted under) for a process that will move itself in (see {@code KEELSON_SHIM_JOIN} in
     * native/c/keelson-cri-shim.c), with what a runtime would set there for a sandbox's pause
     * container: the cpuset of the parent (a new cpuset cgroup has none, and nothing may join it
     * then), {@code cpu.shares} when {@code cpuShares > 0}, and deny-all devices but the defaults.
     * Returns the {@code tasks} files to join; empty on a host without v1 hierarchies (cgroup2
     * only), where the runtime must place the process itself.
     *
     * @throws IOException a directory or setting could not be made; what was made is left for
     *                     {@link #remove} to undo
     */
    public static List<Path> prepareSelfJoin(String relative, long cpuShares) throws IOException {
        List<Path> tasks = new ArrayList<>();
        String rel = relative.replaceFirst("^/+", "");
        for (Path h : V1.HIERARCHIES) {
            Path dir = h;
            for (Path part : Path.of(rel)) {
                Path parent = dir;
                dir = dir.resolve(part.toString());
                if (!Files.isDirectory(dir)) {
                    Files.createDirectories(dir);
                    if (Files.exists(dir.resolve("cpuset.cpus"))) {
                        for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
                            if (Files.readString(dir.resolve(f)).isBlank()) {
                                Files.writeString(dir.resolve(f), Files.readString(parent.resolve(f)).strip());
                            }
                        }
                    }
                }
            }
            if (cpuShares > 0 && Files.exists(dir.resolve("cpu.shares"))) {
                Files.writeString(dir.resolve("cpu.shares"), Long.toString(cpuShares));
            }
            if (Files.exists(dir.resolve("devices.deny"))) {
                Files.writeString(dir.resolve("devices.deny"), "a");
                for (String rule : DEFAULT_DEVICES) {
                    Files.writeString(dir.resolve("devices.allow"), rule);
                }
            }
            tasks.add(dir.resolve("tasks"));
        }
        return tasks;
    }

    /**
     * The cgroup v1 hierarchies, each once however many names it is mounted under (a directory with
     * a {@code tasks} file); none on a cgroup2-only host. Read once: hierarchies are mounted at boot.
     */
    private static final class V1 {
        static final List<Path> HIERARCHIES = find();

        private static List<Path> find() {
            if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
                return List.of();
            }
            Set<Path> found = new LinkedHashSet<>();
            try (Stream<Path> s = Files.list(ROOT)) {
                for (Path h : s.sorted().toList()) {
                    if (Files.exists(h.resolve("tasks"))) {
                        found.add(h.toRealPath());
                    }
                }
            } catch (IOException e) {
                return List.of();
            }
            return List.copyOf(found);
        }
    }

    /** Removes {@code relative} in every hierarchy; returns the paths that could not be removed (not empty, busy). */
    public static List<Path> remove(String relative) {
        List<Path> left = new ArrayList<>();
        for (Path p : existing(relative)) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                left.add(p);
            }
        }
        return left;
    }
}
