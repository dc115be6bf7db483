package dev.keelson.cri.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Users and groups of a root filesystem, from its {@code /etc/passwd} and {@code /etc/group}
 * (passwd(5), group(5)): how a CRI {@code run_as_username}, a {@code run_as_user} without a
 * group, or an image config's {@code User}, becomes the uid, gid and supplementary groups of the
 * container's process.
 */
public final class ImageUsers {
    /** One passwd entry. */
    public record User(String name, long uid, long gid) {
    }

    private ImageUsers() {
    }

    /** The passwd entry named {@code name}. */
    public static Optional<User> byName(Path rootfs, String name) {
        return users(rootfs).stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /** The first passwd entry with {@code uid}. */
    public static Optional<User> byUid(Path rootfs, long uid) {
        return users(rootfs).stream().filter(u -> u.uid() == uid).findFirst();
    }

    /** The gid of the group named {@code name}. */
    public static Optional<Long> groupByName(Path rootfs, String name) {
        return lines(rootfs.resolve("etc/group"), 3, 2).stream().filter(f -> f[0].equals(name))
                .map(f -> Long.parseLong(f[2])).findFirst();
    }

    /** The gids of the groups that list {@code name} as a member. */
    public static Set<Long> groupsOf(Path rootfs, String name) {
        Set<Long> out = new LinkedHashSet<>();
        for (String[] f : lines(rootfs.resolve("etc/group"), 4, 2)) {
            for (String member : f[3].split(",")) {
                if (member.trim().equals(name)) {
                    out.add(Long.parseLong(f[2]));
                }
            }
        }
        return out;
    }

    private static List<User> users(Path rootfs) {
        List<User> out = new ArrayList<>();
        for (String[] f : lines(rootfs.resolve("etc/passwd"), 7, 2, 3)) {
            out.add(new User(f[0], Long.parseLong(f[2]), Long.parseLong(f[3])));
        }
        return out;
    }

    /**
     * Colon-separated records with at least {@code fields} fields whose {@code numeric} fields are
     * numbers; comments, blank and malformed lines are skipped.
     */
    private static List<String[]> lines(Path file, int fields, int... numeric) {
        List<String[]> out = new ArrayList<>();
        List<String> text;
        try {
            text = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        for (String line : text) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":", -1);
            if (f.length >= fields && java.util.Arrays.stream(numeric).allMatch(i -> f[i].matches("\\d+"))) {
                out.add(f);
            }
        }
        return out;
    }
}
