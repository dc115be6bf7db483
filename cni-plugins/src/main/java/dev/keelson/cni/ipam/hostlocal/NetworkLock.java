package dev.keelson.cni.ipam.hostlocal;

import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The exclusive lock on {@code <dataDir>/<network>/lock}, held around every read-modify-write of the
 * allocation directory — the same lock the reference takes, so the two can share a data directory.
 *
 * <p>The reference (go-filemutex) opens the file {@code O_CREAT|O_RDONLY} with mode 0750 and takes
 * {@code flock(2)} {@code LOCK_EX}. This does exactly that through {@link Libc#flock}: the JDK's
 * {@code FileChannel.lock} takes {@code fcntl(2)} record locks, which on Linux neither exclude nor
 * are excluded by {@code flock} (flock(2), NOTES). A flock belongs to the open file description, so
 * each acquisition opens its own descriptor; an in-process lock per file first queues this JVM's
 * threads, so they wait in Java rather than in the kernel.
 */
final class NetworkLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final int MODE = 0750;

    private final ReentrantLock local;
    private final int fd;

    private NetworkLock(ReentrantLock local, int fd) {
        this.local = local;
        this.fd = fd;
    }

    /** Blocks until this thread holds the lock file in {@code dir}, creating it with the reference's mode if missing. */
    static NetworkLock acquire(Path dir) throws IOException {
        Path file = dir.resolve("lock").toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
        local.lock();
        int fd = -1;
        try {
            fd = Libc.open(file.toString(), Flags.O_RDONLY | Flags.O_CREAT | Flags.O_CLOEXEC, MODE);
            Libc.flock(fd, Flags.LOCK_EX);
            return new NetworkLock(local, fd);
        } catch (ErrnoException e) {
            if (fd >= 0) {
                Libc.close(fd);
            }
            local.unlock();
            throw new IOException("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (fd >= 0) {
                Libc.close(fd);
            }
            local.unlock();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            Libc.close(fd); // closing the only descriptor of this open file description drops the flock
        } finally {
            local.unlock();
        }
    }
}
