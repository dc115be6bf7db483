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
            SocketFile f = new SocketFile(abs);
            Files.deleteIfExists(f.bindPath());
            return f;
        }
        // Sockets are neither regular files, directories nor links: "other" in NIO's terms.
        if (!attrs.isOther()) {
            throw new FileAlreadyExistsException(abs.toString(), null, "exists and is not a Unix socket; not replacing it");
        }
        if (listening(abs)) {
            throw new SocketInUseException(abs);
        }
        Files.deleteIfExists(abs);
        SocketFile f = new SocketFile(abs);
        Files.deleteIfExists(f.bindPath());
        return f;
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

    /**
     * Where to bind: a private name beside {@link #path()}. The socket appears under its real name
     * only after {@link #bound()} has set its mode, so no client ever sees (or connects through) a
     * socket with the process umask's wider permissions.
     */
    Path bindPath() {
        return path.resolveSibling("." + path.getFileName() + "." + ProcessHandle.current().pid() + ".binding");
    }

    /** After bind: sets {@link #SOCKET_MODE}, renames the socket into place, remembers which file is ours. */
    void bound() throws IOException {
        Path tmp = bindPath();
        Files.setPosixFilePermissions(tmp, SOCKET_MODE);
        Files.move(tmp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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
