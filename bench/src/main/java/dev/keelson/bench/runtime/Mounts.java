package dev.keelson.bench.runtime;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Cleaning up a runtime's scratch directory: mounts left under it, then the files. */
public final class Mounts {
    private Mounts() {
    }

    /** Lazily unmounts every mount point at or below {@code dir}, deepest first. */
    public static void unmountUnder(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath().normalize().toString();
        List<String> points = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String point = unescape(line.split(" ")[4]);
            if (point.equals(prefix) || point.startsWith(prefix + "/")) {
                points.add(point);
            }
        }
        points.sort(Comparator.comparingInt(String::length).reversed());
        for (String p : points) {
            try {
                ImageArchives.run(List.of("umount", "-l", p), "umount " + p);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException alreadyGone) {
                // a parent's lazy unmount may have taken it along
            }
        }
    }

    /** Deletes {@code dir} and everything in it (symbolic links are removed, not followed). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
