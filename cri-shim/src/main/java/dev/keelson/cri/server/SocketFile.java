package dev.keelson.cri.server;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * The Unix socket's file: readies the path before bind, restricts it after, removes it at the end.
 *
 * <p>A socket file outlives a server that was killed; {@code bind(2)} then fails with
 * {@code EADDRINUSE}. Whether a file is stale or live shows only by connecting (unix(7)): refused
 * ({@code ECONNREFUSED}) means nobody listens and the file is replaced; accepted means another
 * server is up and this one refuses to start rather than steal its path. A path that exists but
 * is not a socket is never deleted.
 */
final class SocketFile {
    /** rw for owner and group (the runtime's users join the group), nothing for others. */
    static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-rw----");
    /** A created parent directory: searchable by all (paths under it stay reachable), listable by owner only. */
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx--x--x");

    private final Path path;
    private Object boundKey;

    private SocketFile(Path path) {
        this.path = path;
    }

    /** Creates the parent directory if missing and removes a stale socket at {@code path}. */
    static SocketFile prepare(Path path) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(abs, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return new SocketFile(abs);
        }
        // Sockets are neither regular files, directories nor links: "other" in NIO's terms.
        if (!attrs.isOther()) {
            throw new FileAlreadyExistsException(abs.toString(), null, "exists and is not a Unix socket; not replacing it");
        }
        if (listening(abs)) {
            throw new SocketInUseException(abs);
        }
        Files.deleteIfExists(abs);
        return new SocketFile(abs);
    }

    private static boolean listening(Path socket) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    Path path() {
        return path;
    }

    /** After bind: sets {@link #SOCKET_MODE} and remembers which file is ours. */
    void bound() throws IOException {
        Files.setPosixFilePermissions(path, SOCKET_MODE);
        boundKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /** Removes the socket if it is still the one this server bound (not a successor's). */
    void remove() throws IOException {
        if (boundKey == null) {
            return;
        }
        try {
            Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(now, boundKey)) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException gone) {
            // Netty's server channel already unlinked it on close.
        }
    }
}
