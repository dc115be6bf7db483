package dev.keelson.linux.tty;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.keelson.linux.Errno;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.Fd;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * The master side of a pseudo-terminal (pty(7)): what the process on the slave side writes is
 * read here, what is written here is its input, and the window size is set with
 * {@code TIOCSWINSZ} (ioctl_tty(2)), which sends SIGWINCH to the slave's foreground group.
 * Reads block: call them from a platform thread. Reading ends (-1) with {@code EIO} once every
 * slave descriptor is closed, that is when the process on the terminal has ended.
 */
public final class Pty implements AutoCloseable {
    private static final long TIOCSWINSZ = 0x5414;
    /** {@code _IO('T', 0x41)}: opens the slave of this master by the master itself (Linux 4.13). */
    private static final long TIOCGPTPEER = 0x5441;
    private static final int BUFFER = 32 * 1024;

    private final Fd master;
    // freed by the GC, not at close(): a writer may still be in write(2) when the terminal closes
    private final MemorySegment out = Arena.ofAuto().allocate(BUFFER);

    Pty(Fd master) {
        this.master = master;
    }

    /** The master's descriptor. */
    public int fd() {
        return master.get();
    }

    /** Reads what the terminal's process wrote into {@code buf}; -1 when the terminal has hung up. */
    public int read(byte[] buf) {
        int n;
        try {
            n = Libc.read(master.get(), buf, 0, buf.length);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EIO) {
                return -1;
            }
            throw e;
        }
        return n == 0 ? -1 : n;
    }

    /** Writes all of {@code buf[off, off+len)} as the terminal's input. */
    public synchronized void write(byte[] buf, int off, int len) {
        while (len > 0) {
            int chunk = Math.min(len, BUFFER);
            MemorySegment.copy(buf, off, out, ValueLayout.JAVA_BYTE, 0, chunk);
            long done = 0;
            while (done < chunk) {
                done += Libc.write(master.get(), out.asSlice(done), chunk - done);
            }
            off += chunk;
            len -= chunk;
        }
    }

    /**
     * Opens this terminal's slave through the master ({@code TIOCGPTPEER}), without making it
     * anyone's controlling terminal. The kernel makes master reads fail with {@code EIO} when a
     * slave descriptor is closed and at most one other opener is left; holding this one, a passing
     * open and close of the slave by the process on it (or by anyone) leaves the master readable.
     * Empty when the kernel or the terminal's devpts instance does not allow it.
     */
    public Optional<Fd> openPeer() {
        try {
            return Optional.of(Fd.adopt(Libc.ioctl(master.get(), TIOCGPTPEER, Flags.O_RDWR | Flags.O_NOCTTY | Flags.O_CLOEXEC,
                    "pty master fd " + master.get())));
        } catch (ErrnoException e) {
            return Optional.empty();
        }
    }

    /** Sets the window size ({@code struct winsize}: rows, columns, two unused pixel sizes). */
    public void resize(int rows, int cols) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ws = a.allocate(8, 2);
            ws.set(JAVA_SHORT, 0, (short) rows);
            ws.set(JAVA_SHORT, 2, (short) cols);
            Libc.ioctl(master.get(), TIOCSWINSZ, ws, "pty master fd " + master.get());
        }
    }

    @Override
    public void close() {
        master.close();
    }
}
