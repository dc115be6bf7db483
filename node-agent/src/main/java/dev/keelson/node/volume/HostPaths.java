package dev.keelson.node.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The {@code hostPath.type} checks of the kubelet's hostPath plugin: {@code DirectoryOrCreate} and
 * {@code FileOrCreate} make what is missing (0755 directory, 0644 empty file), the others require
 * the path to exist and be of that kind (file type bits from stat(2)'s {@code st_mode}).
 */
final class HostPaths {
    // sys/stat.h file type bits
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    private HostPaths() {}

    static Path check(String volume, String path, String type) throws VolumeException {
        Path p = Path.of(path);
        if (!p.isAbsolute()) {
            throw new VolumeException(volume, "hostPath \"" + path + "\" is not absolute");
        }
        try {
            switch (type) {
                case "", "null" -> { }
                case "DirectoryOrCreate" -> {
                    if (!Files.isDirectory(p)) {
                        Files.createDirectories(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                    }
                }
                case "FileOrCreate" -> {
                    if (!Files.exists(p)) {
                        Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
                    } else if (Files.isDirectory(p)) {
                        throw failed(volume, path, "is not a file");
                    }
                }
                case "Directory" -> require(volume, path, Files.isDirectory(p), "is not a directory");
                case "File" -> require(volume, path, Files.isRegularFile(p), "is not a file");
                case "Socket" -> require(volume, path, kind(p) == S_IFSOCK, "is not a socket file");
                case "CharDevice" -> require(volume, path, kind(p) == S_IFCHR, "is not a character device");
                case "BlockDevice" -> require(volume, path, kind(p) == S_IFBLK, "is not a block device");
                default -> throw new VolumeException(volume, "hostPath type \"" + type + "\" is not supported");
            }
        } catch (IOException e) {
            throw new VolumeException(volume, "hostPath " + path + ": " + e, e);
        }
        return p;
    }

    private static int kind(Path p) throws IOException {
        if (!Files.exists(p)) {
            return -1;
        }
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
    }

    private static void require(String volume, String path, boolean ok, String what) throws VolumeException {
        if (!ok) {
            throw failed(volume, path, what);
        }
    }

    private static VolumeException failed(String volume, String path, String what) {
        return new VolumeException(volume, "hostPath type check failed: " + path + " " + what);
    }
}
