package dev.keelson.cri.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A container log file in the CRI format (kubernetes/cri-api {@code logs}): one entry per line,
 * {@code <RFC3339Nano time> <stdout|stderr> <F|P> <content>\n}, where {@code P} marks a partial
 * line (split because it was longer than {@link #MAX_LINE}) and {@code F} the last piece.
 * Both streams of a container append to one file; each entry is one write.
 */
public final class CriLog implements AutoCloseable {
    /** Longest piece of a line in one entry (containerd's default {@code max_container_log_line_size}). */
    public static final int MAX_LINE = 16 * 1024;
    // Go's RFC3339Nano: nanoseconds with trailing zeros dropped, "Z" for UTC.
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC);

    private final Path file;
    private OutputStream out;
    private boolean closed;

    private CriLog(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /** Appends to {@code file} (created, with its parent directory, if missing); null discards. */
    public static CriLog open(Path file) throws IOException {
        return new CriLog(file, stream(file));
    }

    /**
     * ReopenContainerLog: closes the file and opens {@code file} again, so entries go to a new
     * file after log rotation renamed the old one.
     */
    public synchronized void reopen() throws IOException {
        if (closed) {
            return; // the container ended meanwhile: nothing writes to this log any more
        }
        OutputStream next = stream(file);
        out.close();
        out = next;
    }

    private static OutputStream stream(Path file) throws IOException {
        if (file == null) {
            return OutputStream.nullOutputStream();
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Writes one entry. */
    public synchronized void entry(String stream, boolean partial, byte[] buf, int off, int len) throws IOException {
        byte[] head = (TIME.format(Instant.now()) + " " + stream + (partial ? " P " : " F ")).getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[head.length + len + 1];
        System.arraycopy(head, 0, line, 0, head.length);
        System.arraycopy(buf, off, line, head.length, len);
        line[line.length - 1] = '\n';
        out.write(line);
        out.flush();
    }

    /**
     * Copies {@code in} (a container's stdout or stderr) into entries until end-of-file: one
     * {@code F} entry per line, {@code P} pieces for lines over {@link #MAX_LINE}, and a trailing
     * unterminated piece as {@code F}.
     */
    public void pump(String stream, InputStream in) throws IOException {
        Lines lines = lines(stream);
        byte[] chunk = new byte[8192];
        for (int n; (n = in.read(chunk)) > 0; ) {
            lines.accept(chunk, 0, n);
        }
        lines.end();
    }

    /** A splitter of {@code stream}'s output into this log's entries, fed chunk by chunk. */
    public Lines lines(String stream) {
        return new Lines(stream);
    }

    /** Output of one stream cut into entries as it comes; not thread-safe (one feeder at a time). */
    public final class Lines {
        private final String stream;
        // grows to MAX_LINE only for long lines: sixty idle streams need not hold 16 KiB each
        private byte[] line = new byte[256];
        private int len;

        private Lines(String stream) {
            this.stream = stream;
        }

        /** One {@code F} entry per completed line, a {@code P} entry per full {@link #MAX_LINE} piece. */
        public void accept(byte[] chunk, int off, int n) throws IOException {
            for (int i = off; i < off + n; i++) {
                if (chunk[i] == '\n') {
                    entry(stream, false, line, 0, len);
                    len = 0;
                } else {
                    if (len == MAX_LINE) {
                        entry(stream, true, line, 0, len);
                        len = 0;
                    } else if (len == line.length) {
                        line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE, line.length * 2));
                    }
                    line[len++] = chunk[i];
                }
            }
        }

        /** The stream ended: an unterminated last piece becomes an {@code F} entry. */
        public void end() throws IOException {
            if (len > 0) {
                entry(stream, false, line, 0, len);
                len = 0;
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        out.close();
    }
}
