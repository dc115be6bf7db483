package dev.keelson.node.server;

import dev.keelson.cri.api.v1.ContainerStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code GET /containerLogs/<namespace>/<pod>/<container>}: a container's output read from its CRI
 * log file, with the kubelet's options:
 * <ul>
 *   <li>{@code previous}: the instance before the newest (the one that crashed);</li>
 *   <li>{@code sinceSeconds} / {@code sinceTime}: lines logged at or after that time;</li>
 *   <li>{@code tailLines}: only the last N lines (whole lines, after joining partials);</li>
 *   <li>{@code timestamps}: each line prefixed with its RFC 3339 (nano) time and a space;</li>
 *   <li>{@code limitBytes}: stop after that many bytes of output;</li>
 *   <li>{@code follow}: keep reading what the container writes until it stops running (then the
 *       rest of the file is sent and the response ends) or the client goes away.</li>
 * </ul>
 * The file is polled while following ({@link #POLL}): cheaper to reason about than inotify on a
 * file the runtime may reopen, and a fifth of a second is well inside what a person notices.
 */
final class ContainerLogs {
    static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RUNNING_CHECK = Duration.ofSeconds(1);

    private final PodContainers containers;

    ContainerLogs(PodContainers containers) {
        this.containers = containers;
    }

    /** The options of one request. */
    record Options(boolean follow, boolean previous, boolean timestamps, Long tailLines, Long limitBytes, Instant since) {
        static Options of(KubeletRequest r) throws KubeletRequest.BadRequest {
            Instant since = null;
            try {
                if (r.param("sinceSeconds") != null) {
                    since = Instant.now().minusSeconds(Long.parseLong(r.param("sinceSeconds")));
                } else if (r.param("sinceTime") != null) {
                    since = Instant.parse(r.param("sinceTime"));
                }
                Long tail = r.param("tailLines") == null ? null : Long.parseLong(r.param("tailLines"));
                Long limit = r.param("limitBytes") == null ? null : Long.parseLong(r.param("limitBytes"));
                if ((tail != null && tail < 0) || (limit != null && limit <= 0)) {
                    throw new KubeletRequest.BadRequest("tailLines must be >= 0 and limitBytes > 0");
                }
                return new Options(r.flag("follow"), r.flag("previous"), r.flag("timestamps"), tail, limit, since);
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new KubeletRequest.BadRequest("invalid log options: " + e.getMessage());
            }
        }
    }

    void serve(KubeletRequest request, List<String> path, OutputStream out) throws IOException {
        if (path.size() != 4) {
            HttpReplies.text(out, 404, "expected /containerLogs/<namespace>/<pod>/<container>");
            return;
        }
        String ns = path.get(1);
        String pod = path.get(2);
        String name = path.get(3);
        Options o;
        try {
            o = Options.of(request);
        } catch (KubeletRequest.BadRequest e) {
            HttpReplies.text(out, 400, e.getMessage());
            return;
        }
        List<ContainerStatus> all = containers.instances(ns, pod, name);
        if (all.isEmpty()) {
            HttpReplies.text(out, 404, "container \"" + name + "\" in pod \"" + pod + "\" (namespace \"" + ns
                    + "\") is not known to this node's runtime");
            return;
        }
        if (o.previous() && all.size() < 2) {
            HttpReplies.text(out, 400, "previous terminated container \"" + name + "\" in pod \"" + pod + "\" not found");
            return;
        }
        ContainerStatus c = all.get(o.previous() ? 1 : 0);
        Path file = Path.of(c.getLogPath());
        if (c.getLogPath().isEmpty() || !Files.isRegularFile(file)) {
            HttpReplies.text(out, 404, "container \"" + name + "\" in pod \"" + pod + "\" has no log file"
                    + (c.getLogPath().isEmpty() ? "" : " at " + c.getLogPath()));
            return;
        }
        HttpReplies.startStream(out, "text/plain");
        new Writer(out, o).run(file, o.follow() && !o.previous() ? c.getId() : null);
    }

    /** Streams one file's lines through the options. */
    private final class Writer {
        private final OutputStream out;
        private final Options o;
        private long written;

        Writer(OutputStream out, Options o) {
            this.out = out;
            this.o = o;
        }

        void run(Path file, String followId) throws IOException {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                long length = raf.length();
                byte[] existing = new byte[(int) Math.min(length, Integer.MAX_VALUE - 16)];
                raf.readFully(existing);
                List<CriLogAssembler.Entry> entries = new ArrayList<>();
                // One assembler for the whole file: fragments and a half-written record carry over into following.
                AtomicReference<Consumer<CriLogAssembler.Entry>> sink = new AtomicReference<>(entries::add);
                CriLogAssembler assembler = new CriLogAssembler(e -> sink.get().accept(e));
                assembler.feed(existing, 0, existing.length);
                Deque<CriLogAssembler.Entry> kept = new ArrayDeque<>();
                for (CriLogAssembler.Entry e : entries) {
                    if (o.since() == null || !e.time().isBefore(o.since())) {
                        kept.add(e);
                        if (o.tailLines() != null && kept.size() > o.tailLines()) {
                            kept.removeFirst();
                        }
                    }
                }
                for (CriLogAssembler.Entry e : kept) {
                    if (!emit(e)) {
                        return;
                    }
                }
                out.flush();
                if (followId != null) {
                    boolean[] open = {true};
                    sink.set(e -> open[0] = open[0] && emitQuietly(e));
                    follow(raf, existing.length, assembler, open, followId);
                }
            }
        }

        /** Reads what is appended until the container stops and the file has no more. */
        private void follow(RandomAccessFile raf, long offset, CriLogAssembler a, boolean[] open, String id)
                throws IOException {
            long pos = offset;
            byte[] buf = new byte[64 * 1024];
            long lastCheck = System.nanoTime();
            boolean running = true;
            while (open[0]) {
                raf.seek(pos);
                int n = raf.read(buf);
                if (n > 0) {
                    pos += n;
                    a.feed(buf, 0, n);
                    out.flush();
                    continue;
                }
                if (!running) {
                    return;
                }
                if (System.nanoTime() - lastCheck > RUNNING_CHECK.toNanos()) {
                    lastCheck = System.nanoTime();
                    running = containers.running(id); // one more read after it stops picks up its last words
                }
                try {
                    Thread.sleep(POLL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private boolean emitQuietly(CriLogAssembler.Entry e) {
            try {
                return emit(e);
            } catch (IOException io) {
                return false; // the client went away
            }
        }

        /** Writes one line; false when {@code limitBytes} is reached. */
        private boolean emit(CriLogAssembler.Entry e) throws IOException {
            byte[] line = e.line();
            if (o.timestamps()) {
                byte[] ts = (e.time().toString() + " ").getBytes(StandardCharsets.US_ASCII);
                byte[] both = new byte[ts.length + line.length];
                System.arraycopy(ts, 0, both, 0, ts.length);
                System.arraycopy(line, 0, both, ts.length, line.length);
                line = both;
            }
            if (o.limitBytes() != null && written + line.length >= o.limitBytes()) {
                out.write(line, 0, (int) (o.limitBytes() - written));
                written = o.limitBytes();
                out.flush();
                return false;
            }
            out.write(line);
            written += line.length;
            return true;
        }
    }
}
