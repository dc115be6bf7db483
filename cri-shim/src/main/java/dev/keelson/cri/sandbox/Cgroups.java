package dev.keelson.cri.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
