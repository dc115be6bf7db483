package dev.keelson.node.server;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns the bytes of a CRI log file, fed in any chunks, into whole log lines: records are split on
 * newlines (a trailing incomplete record waits for the next chunk, as when following a file being
 * written), parsed as {@link CriLogLine}s, and P fragments are joined with the F record that ends
 * them (per stream, so interleaved stdout and stderr stay apart). Records that do not parse are
 * skipped, as the kubelet skips them.
 */
public final class CriLogAssembler {
    /** One whole line of container output: its time (the first fragment's), stream and bytes with the newline. */
    public record Entry(Instant time, String stream, byte[] line) {}

    private final Consumer<Entry> sink;
    private final ByteArrayOutputStream pendingRecord = new ByteArrayOutputStream();
    private final java.util.Map<String, Partial> partials = new java.util.HashMap<>();

    private record Partial(Instant time, ByteArrayOutputStream bytes) {}

    public CriLogAssembler(Consumer<Entry> sink) {
        this.sink = sink;
    }

    /** Feeds the next bytes of the file. */
    public void feed(byte[] b, int off, int len) {
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                if (pendingRecord.size() > 0) {
                    pendingRecord.write(b, start, i - start);
                    byte[] rec = pendingRecord.toByteArray();
                    pendingRecord.reset();
                    record(rec, 0, rec.length);
                } else {
                    record(b, start, i - start);
                }
                start = i + 1;
            }
        }
        pendingRecord.write(b, start, off + len - start);
    }

    private void record(byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        CriLogLine l;
        try {
            l = CriLogLine.parse(b, off, len);
        } catch (IllegalArgumentException e) {
            return;
        }
        Partial p = partials.get(l.stream());
        if (l.partial()) {
            if (p == null) {
                p = new Partial(l.time(), new ByteArrayOutputStream());
                partials.put(l.stream(), p);
            }
            p.bytes().writeBytes(l.content());
            return;
        }
        byte[] line;
        Instant t = l.time();
        if (p != null) {
            partials.remove(l.stream());
            p.bytes().writeBytes(l.content());
            p.bytes().write('\n');
            line = p.bytes().toByteArray();
            t = p.time();
        } else {
            line = new byte[l.content().length + 1];
            System.arraycopy(l.content(), 0, line, 0, l.content().length);
            line[line.length - 1] = '\n';
        }
        sink.accept(new Entry(t, l.stream(), line));
    }

    /** Bytes of a record whose newline has not arrived yet. */
    public int pendingBytes() {
        return pendingRecord.size();
    }

    /** All whole lines of a complete file's bytes. */
    public static List<Entry> parseAll(byte[] file) {
        List<Entry> out = new ArrayList<>();
        CriLogAssembler a = new CriLogAssembler(out::add);
        a.feed(file, 0, file.length);
        return out;
    }
}
