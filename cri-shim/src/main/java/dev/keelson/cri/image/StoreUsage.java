package dev.keelson.cri.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Bytes and inodes an image store uses, for CRI {@code ImageFsInfo}: every file, directory and
 * link under its root counted once by inode (so hard links count once), bytes as the sum of
 * regular files' sizes.
 *
 * @param mountpoint the directory reported as the image file system (the store's root)
 * @param usedBytes bytes of regular files
 * @param inodesUsed distinct inodes
 */
public record StoreUsage(Path mountpoint, long usedBytes, long inodesUsed) {
    /** Walks {@code root} (symlinks not followed). */
    public static StoreUsage of(Path root) {
        Set<Long> inodes = new HashSet<>();
        long[] bytes = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                    inodes.add(inode(d));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    if (inodes.add(inode(f)) && a.isRegularFile()) {
                        bytes[0] += a.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE; // removed while walking: not in use any more
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure image store " + root, e);
        }
        return new StoreUsage(root, bytes[0], inodes.size());
    }

    private static long inode(Path p) throws IOException {
        // one file system under the root, so the inode number alone identifies a file
        Map<String, Object> a = Files.readAttributes(p, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return (Long) a.get("ino");
    }
}
