package dev.keelson.cri.container;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;

/**
 * One client attached to a running container (CRI Attach): its output from now on goes to the
 * client's streams, and the client may write the container's stdin when the container was
 * created with {@code stdin}. {@link #ended()} completes once the container has exited and its
 * output is drained. Closing detaches (the container runs on).
 */
public final class Attachment implements AutoCloseable {
    private final OutputTaps taps;
    private final OutputStream out;
    private final OutputStream err;
    private final FileChannel stdin;
    private final FileChannel resize;
    private final Runnable closeStdin;
    private final CompletableFuture<Void> ended;

    Attachment(OutputTaps taps, OutputStream out, OutputStream err, FileChannel stdin, FileChannel resize, Runnable closeStdin,
            CompletableFuture<Void> ended) {
        this.taps = taps;
        this.out = out;
        this.err = err;
        this.stdin = stdin;
        this.resize = resize;
        this.closeStdin = closeStdin;
        taps.add(out, err);
        // the taps write on threads of their own: ended once they wrote what the container said last
        this.ended = ended.thenCompose(v -> taps.flushed(out, err));
    }

    /** Whether the container reads a stdin this client can write (its config asked for stdin, and it is still open). */
    public boolean hasStdin() {
        return stdin != null && stdin.isOpen();
    }

    /** Writes to the container's stdin. */
    public void writeStdin(byte[] b, int off, int len) throws IOException {
        if (stdin == null) {
            return;
        }
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        synchronized (stdin) {
            while (buf.hasRemaining()) {
                stdin.write(buf);
            }
        }
    }

    /** Whether the container has a terminal whose window size this client can set. */
    public boolean hasTerminal() {
        return resize != null && resize.isOpen();
    }

    /** Sets the container's terminal to {@code rows} × {@code cols} (its shim applies it); ignored without a terminal. */
    public void resize(int rows, int cols) throws IOException {
        if (resize == null || rows <= 0 || cols <= 0) {
            return;
        }
        ByteBuffer line = ByteBuffer.wrap((rows + " " + cols + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        synchronized (resize) {
            while (line.hasRemaining()) {
                resize.write(line);
            }
        }
    }

    /**
     * The client's stdin ended: for a container created with {@code stdin_once}, its stdin is
     * closed (it sees end-of-file); otherwise nothing happens.
     */
    public void stdinEnded() {
        closeStdin.run();
    }

    /** Completes when the container has exited and its output has been delivered. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    @Override
    public void close() {
        taps.remove(out, err);
    }
}
