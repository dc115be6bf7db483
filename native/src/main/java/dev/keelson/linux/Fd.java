package dev.keelson.linux;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An owned file descriptor. {@link #close()} is idempotent and thread-safe; using a closed
 * descriptor throws rather than touching whatever number the kernel hands out next.
 */
public final class Fd implements AutoCloseable {
    private final AtomicInteger fd;

    private Fd(int fd) {
        this.fd = new AtomicInteger(fd);
    }

    /** Takes ownership of {@code fd}. */
    public static Fd adopt(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + fd);
        }
        return new Fd(fd);
    }

    /** The descriptor number; throws if closed. */
    public int get() {
        int v = fd.get();
        if (v < 0) {
            throw new IllegalStateException("file descriptor already closed");
        }
        return v;
    }

    public boolean isOpen() {
        return fd.get() >= 0;
    }

    @Override
    public void close() {
        int v = fd.getAndSet(-1);
        if (v >= 0) {
            Libc.close(v);
        }
    }

    @Override
    public String toString() {
        int v = fd.get();
        return v >= 0 ? "fd " + v : "fd (closed)";
    }
}
