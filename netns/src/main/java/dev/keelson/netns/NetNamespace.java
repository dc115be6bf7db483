package dev.keelson.netns;

import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.Errno;
import dev.keelson.linux.Fd;
import dev.keelson.linux.FileId;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import java.nio.file.Path;

/**
 * An open network namespace: a descriptor that keeps it alive, and, when it is pinned, the path of
 * its pin (e.g. {@code /run/netns/blue}).
 *
 * <pre>{@code
 * try (NetNamespace ns = NetNamespace.create("blue")) {      // like `ip netns add blue`
 *     int links = ns.run(() -> countLinks());                 // on a thread inside "blue"
 *     ns.delete();                                            // like `ip netns del blue`
 * }
 * }</pre>
 *
 * {@link #close()} only closes the descriptor; the pin (and so the namespace) stays until
 * {@link #delete()}. Two instances are equal when they refer to the same namespace.
 */
public final class NetNamespace implements AutoCloseable {
    private final Fd fd;
    private final Path path;
    private final FileId id;

    private NetNamespace(Fd fd, Path path) {
        this.fd = fd;
        this.path = path;
        this.id = Libc.fstat(fd.get());
    }

    /** Creates and pins a namespace at {@code /run/netns/NAME}, exactly as {@code ip netns add NAME}. */
    public static NetNamespace create(String name) {
        return NetnsDirectory.system().create(name);
    }

    /** Opens the pinned namespace {@code /run/netns/NAME}. */
    public static NetNamespace open(String name) {
        return NetnsDirectory.system().open(name);
    }

    /**
     * Opens the namespace behind {@code path}: a pin, or {@code /proc/PID/ns/net}. Throws
     * {@link dev.keelson.linux.NotFoundException} naming the path when there is nothing there, and
     * {@link IllegalArgumentException} when the file is not a network namespace.
     */
    public static NetNamespace open(Path path) {
        Fd fd = Fd.adopt(openFd(path));
        try {
            int type = Libc.ioctl(fd.get(), Flags.NS_GET_NSTYPE, 0, "NS_GET_NSTYPE " + path);
            if (type != Flags.CLONE_NEWNET) {
                throw new IllegalArgumentException("\"" + path + "\" is not a network namespace");
            }
        } catch (ErrnoException e) {
            fd.close();
            if (e.errno() == Errno.ENOTTY || e.errno() == Errno.EINVAL) {
                throw new IllegalArgumentException("\"" + path + "\" is not a network namespace", e);
            }
            throw e;
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
        return new NetNamespace(fd, path);
    }

    private static int openFd(Path path) {
        try {
            return Libc.open(path.toString(), Flags.O_RDONLY | Flags.O_CLOEXEC, 0);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) {
                throw e.withHint("no network namespace at \"" + path + "\"");
            }
            throw e;
        }
    }

    /** The namespace of the calling thread (not pinned). */
    public static NetNamespace current() {
        return new NetNamespace(Fd.adopt(Libc.open("/proc/thread-self/ns/net", Flags.O_RDONLY | Flags.O_CLOEXEC, 0)), null);
    }

    /** The namespace the process started in, where namespace threads return between tasks (not pinned). */
    public static NetNamespace home() {
        return open(Path.of("/proc/self/ns/net"));
    }

    /** Wraps a descriptor the caller already has (ownership moves here); {@code path} may be null. */
    static NetNamespace adopt(Fd fd, Path path) {
        return new NetNamespace(fd, path);
    }

    /**
     * Runs {@code task} on a dedicated platform thread that has switched into this namespace, and
     * switches that thread back afterwards. Netlink sockets opened by the task stay bound to this
     * namespace and may be used from any thread later. Exceptions of the task are rethrown here.
     */
    public <T, E extends Exception> T run(NsCallable<T, E> task) throws E {
        return NamespaceThreads.INSTANCE.call(fd.get(), describe(), task);
    }

    /** As {@link #run(NsCallable)} for work without a result. */
    public <E extends Exception> void execute(NsRunnable<E> task) throws E {
        run(() -> {
            task.run();
            return null;
        });
    }

    /** The descriptor (valid until {@link #close()}). */
    public int fd() {
        return fd.get();
    }

    /** The pin's path, or null for a namespace opened through /proc. */
    public Path path() {
        return path;
    }

    /** The pin's file name (the {@code ip netns} name), or null. */
    public String name() {
        return path == null ? null : path.getFileName().toString();
    }

    /** The namespace's identity: nsfs device and inode, as {@code ls -iL /proc/PID/ns/net} shows. */
    public FileId id() {
        return id;
    }

    public long inode() {
        return id.inode();
    }

    /** Unpins the namespace (idempotent) and closes the descriptor; the kernel frees it when nothing else holds it. */
    public void delete() {
        if (path != null) {
            NetnsDirectory.unpin(path);
        }
        close();
    }

    @Override
    public void close() {
        fd.close();
    }

    String describe() {
        return path != null ? "\"" + path + "\"" : "netns inode " + id.inode();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetNamespace n && n.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "NetNamespace[" + describe() + "]";
    }

    /** Work without a result for {@link #execute}. */
    @FunctionalInterface
    public interface NsRunnable<E extends Exception> {
        void run() throws E;
    }
}
