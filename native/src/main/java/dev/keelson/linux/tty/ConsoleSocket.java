package dev.keelson.linux.tty;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.keelson.linux.Fd;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The listening end of an OCI runtime's {@code --console-socket}: a Unix stream socket at a path
 * to which {@code runc exec --tty} (or crun) connects and sends the pseudo-terminal master it
 * opened, as one {@code SCM_RIGHTS} control message (unix(7), cmsg(3)).
 *
 * <pre>
 *   struct msghdr (x86-64/aarch64)          struct cmsghdr + payload
 *    0 msg_name      8 msg_namelen            0 cmsg_len (u64)  8 cmsg_level (SOL_SOCKET)
 *   16 msg_iov      24 msg_iovlen            12 cmsg_type (SCM_RIGHTS = 1)  16 int fd
 *   32 msg_control  40 msg_controllen  48 msg_flags
 * </pre>
 */
public final class ConsoleSocket implements AutoCloseable {
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 04000;
    private static final int SCM_RIGHTS = 1;
    private static final long POLL_MILLIS = 5;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;

    private final Path path;
    private final Fd listener;

    private ConsoleSocket(Path path, Fd listener) {
        this.path = path;
        this.listener = listener;
    }

    /** Binds and listens at {@code path} (at most 107 bytes, the size of {@code sun_path} less its NUL). */
    public static ConsoleSocket listen(Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length > 107) {
            throw new IllegalArgumentException("console socket path is longer than 107 bytes: " + path);
        }
        Fd fd = Fd.adopt(Libc.socket(Flags.AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | Flags.SOCK_CLOEXEC, 0));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(110);
            addr.set(JAVA_SHORT, 0, (short) Flags.AF_UNIX);
            MemorySegment.copy(name, 0, addr, java.lang.foreign.ValueLayout.JAVA_BYTE, 2, name.length);
            Libc.bind(fd.get(), addr);
            Libc.listen(fd.get(), 1);
            return new ConsoleSocket(path, fd);
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Where the socket is bound: the runtime's {@code --console-socket} argument. */
    public Path path() {
        return path;
    }

    /**
     * Waits for the runtime to connect and send the master. Gives up (empty {@link Fd} never
     * returned: an {@link IOException} instead) when {@code alive} turns false, because the runtime ended
     * without connecting, or at {@code timeout}.
     */
    public Pty receive(Duration timeout, BooleanSupplier alive) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int conn;
        while ((conn = Libc.accept4(listener.get(), Flags.SOCK_CLOEXEC)) < 0) {
            if (!alive.getAsBoolean() || System.nanoTime() > deadline) {
                throw new IOException("the runtime did not send a terminal to " + path);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for a terminal on " + path, e);
            }
        }
        try (Fd c = Fd.adopt(conn); Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocate(256);
            MemorySegment iov = a.allocate(16, 8);
            iov.set(JAVA_LONG, 0, data.address());
            iov.set(JAVA_LONG, 8, data.byteSize());
            MemorySegment control = a.allocate(64, 8);
            MemorySegment msg = a.allocate(56, 8);
            msg.set(JAVA_LONG, 16, iov.address());
            msg.set(JAVA_LONG, 24, 1);
            msg.set(JAVA_LONG, 32, control.address());
            msg.set(JAVA_LONG, 40, control.byteSize());
            // The accepted socket blocks (it does not inherit O_NONBLOCK); the runtime sends right after connecting.
            long n = Libc.recvmsg(c.get(), msg, MSG_CMSG_CLOEXEC);
            long controlLen = msg.get(JAVA_LONG, 40);
            if (n <= 0 || controlLen < 20 || control.get(JAVA_INT, 8) != Flags.SOL_SOCKET || control.get(JAVA_INT, 12) != SCM_RIGHTS) {
                throw new IOException("the runtime connected to " + path + " but sent no terminal descriptor");
            }
            return new Pty(Fd.adopt(control.get(JAVA_INT, 16)));
        }
    }

    @Override
    public void close() {
        listener.close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the socket file goes with its directory
        }
    }
}
