package dev.keelson.cri.container;

import dev.keelson.linux.Errno;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.EventLoop;
import dev.keelson.linux.Fd;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads one container's stdout and stderr FIFOs into its CRI log and its attached clients on the
 * shared {@link EventLoop}, not on a thread per FIFO (sixty blocked threads for thirty pods).
 *
 * <p>The FIFOs are opened read-write and non-blocking: the open never waits for the shim, and
 * the pump is a writer itself, so a read never sees end-of-file while the shim (which holds
 * them) is alive. The end is the shim's exit: {@link #finish()} reads what is left, writes an
 * unterminated last line, and closes the FIFOs and the log.
 */
final class LogPump {
    private static final int CHUNK = 8192;
    /**
     * Chunks read per readiness call: the loop serves every container, so one that writes without
     * pause must not keep the others (and the exits) waiting; the FIFO stays readable and the
     * level-triggered loop comes back to it.
     */
    private static final int CHUNKS_PER_TURN = 16;

    private final CriLog log;
    private final OutputTaps taps;
    private final Stream out;
    private final Stream err;
    private final byte[] chunk = new byte[CHUNK];
    private boolean finished;

    private LogPump(CriLog log, OutputTaps taps, Path stdout, Path stderr) {
        this.log = log;
        this.taps = taps;
        this.out = new Stream("stdout", stdout);
        try {
            this.err = new Stream("stderr", stderr);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Starts pumping the FIFOs {@code stdout} and {@code stderr} (which exist) into {@code log} and {@code taps}. */
    static LogPump start(CriLog log, OutputTaps taps, Path stdout, Path stderr) {
        LogPump p = new LogPump(log, taps, stdout, stderr);
        p.out.watch();
        p.err.watch();
        return p;
    }

    /** The shim ended: drains both FIFOs, ends the last lines and closes everything. Idempotent. */
    synchronized void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        try {
            for (Stream s : new Stream[] {out, err}) {
                s.unwatch();
                s.drain(Integer.MAX_VALUE);
                s.lines.end();
            }
        } finally {
            out.close();
            err.close();
            log.close();
        }
    }

    /** One FIFO and its line splitter. */
    private final class Stream {
        final String name;
        final Fd fd;
        final CriLog.Lines lines;
        EventLoop.Watch watch;

        Stream(String name, Path fifo) {
            this.name = name;
            this.fd = Fd.adopt(Libc.open(fifo.toString(), Flags.O_RDWR | Flags.O_NONBLOCK | Flags.O_CLOEXEC, 0));
            this.lines = log.lines(name);
        }

        void watch() {
            watch = EventLoop.shared().watchReadable(fd, () -> {
                synchronized (LogPump.this) {
                    if (!finished) {
                        try {
                            drain(CHUNKS_PER_TURN);
                        } catch (IOException e) {
                            System.err.println("keelson cri: cannot write the " + name + " log entry: " + e.getMessage());
                        }
                    }
                }
            });
        }

        void unwatch() {
            if (watch != null) {
                watch.close();
            }
        }

        /** Reads until the FIFO is empty, or {@code chunks} reads. */
        void drain(int chunks) throws IOException {
            for (int i = 0; i < chunks; i++) {
                int n;
                try {
                    n = Libc.read(fd.get(), chunk, 0, CHUNK);
                } catch (ErrnoException e) {
                    if (e.errno() == Errno.EAGAIN) {
                        return;
                    }
                    throw new IOException("reading the " + name + " FIFO: " + e.getMessage(), e);
                }
                if (n <= 0) {
                    return;
                }
                taps.write(name, chunk, 0, n);
                lines.accept(chunk, 0, n);
            }
        }

        void close() {
            unwatch();
            fd.close();
        }
    }
}
