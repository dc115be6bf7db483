package dev.keelson.cni.ipam.hostlocal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The exclusive lock on {@code <dataDir>/<network>/lock}, held around every read-modify-write of the
 * allocation directory.
 *
 * <p>Two layers, because {@link FileChannel#lock()} takes a POSIX record lock ({@code fcntl(2)}
 * {@code F_SETLKW}), which belongs to the whole process: threads of this JVM first serialise on an
 * in-process lock per file, then the one holding it takes the file lock against other processes.
 *
 * <p><b>Interoperability gap:</b> the reference (go-filemutex) takes {@code flock(2)} {@code LOCK_EX}
 * on the same file, and on Linux {@code flock} and {@code fcntl} locks are independent (flock(2),
 * NOTES), so this lock does not exclude a concurrently running reference plugin. Allocation stays
 * safe anyway, since both sides reserve an address by creating its file with {@code O_EXCL}; what
 * is not serialised against the reference is the round-robin cursor and the duplicate check. The JDK
 * offers no {@code flock}; a {@code Libc.flock} in {@code native/} would close the gap.
 */
final class NetworkLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock fileLock;

    private NetworkLock(ReentrantLock local, FileChannel channel, FileLock fileLock) {
        this.local = local;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /**
     * Blocks until this thread holds the lock file in {@code dir}, creating it with the reference's
     * mode (0750, go-filemutex's) if missing.
     */
    static NetworkLock acquire(Path dir) throws IOException {
        Path file = dir.resolve("lock").toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
        local.lock();
        FileChannel ch = null;
        try {
            // Opened only while the in-process lock is held: closing any descriptor of the file
            // drops the process's fcntl locks on it (fcntl(2), "Advisory record locking").
            ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
            return new NetworkLock(local, ch, ch.lock());
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            local.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            fileLock.release();
        } finally {
            local.unlock();
        }
    }
}
