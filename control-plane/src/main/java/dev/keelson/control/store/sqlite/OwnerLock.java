package dev.keelson.control.store.sqlite;

import dev.keelson.control.store.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes sure one store at a time owns a database file: revisions are handed out by the one writer
 * thread, so a second writer (another process, or a second open in this one) would collide with
 * it. An advisory {@code fcntl} lock on {@code FILE.lock}, released when the store closes or the
 * process dies.
 */
final class OwnerLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private OwnerLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static OwnerLock acquire(Path file) {
        Path path = file.resolveSibling(file.getFileName() + ".lock");
        FileChannel c = null;
        try {
            c = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = c.tryLock();
            if (l == null) {
                throw new StoreException("the store " + file + " is open in another process (" + path + " is locked)");
            }
            return new OwnerLock(c, l);
        } catch (OverlappingFileLockException e) {
            close(c);
            throw new StoreException("the store " + file + " is already open in this process", e);
        } catch (IOException e) {
            close(c);
            throw new StoreException("cannot lock the store " + file + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            close(c);
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        close(channel);
    }

    private static void close(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
