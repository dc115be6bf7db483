package dev.keelson.cri.container;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The live output of one container for its attached clients: every chunk the log pump reads
 * from the stdout or stderr FIFO is also queued for each tap of that stream (before the log
 * entry is written). Each tap is written by a virtual thread of its own, so a slow client never
 * holds up the pump, which serves every container; a tap that fails, or falls more than
 * {@link #BACKLOG_BYTES} bytes behind, is dropped. The log never waits for a client.
 */
final class OutputTaps {
    /** Bytes a tap may have queued before it is dropped: a stalled client costs at most this much heap. */
    static final long BACKLOG_BYTES = 512 * 1024;
    private static final Object STOP = new Object();

    private final Map<OutputStream, Tap> stdout = new ConcurrentHashMap<>();
    private final Map<OutputStream, Tap> stderr = new ConcurrentHashMap<>();

    /** Queues {@code b[off, off+n)} of {@code stream} ("stdout" or "stderr") for its taps. */
    void write(String stream, byte[] b, int off, int n) {
        Map<OutputStream, Tap> taps = of(stream);
        if (taps.isEmpty()) {
            return;
        }
        byte[] chunk = Arrays.copyOfRange(b, off, off + n);
        for (Tap t : taps.values()) {
            if (t.queued.addAndGet(chunk.length) > BACKLOG_BYTES) {
                taps.remove(t.out, t);
                t.stop();
            } else {
                t.queue.add(chunk);
            }
        }
    }

    void add(OutputStream out, OutputStream err) {
        if (out != null) {
            stdout.computeIfAbsent(out, Tap::new);
        }
        if (err != null) {
            stderr.computeIfAbsent(err, Tap::new);
        }
    }

    /** Detaches: what is still queued for these streams is dropped. */
    void remove(OutputStream out, OutputStream err) {
        stop(stdout, out);
        stop(stderr, err);
    }

    /** Completes once what was queued so far for these streams has been written (or their taps dropped). */
    CompletableFuture<Void> flushed(OutputStream out, OutputStream err) {
        return CompletableFuture.allOf(marker(stdout, out), marker(stderr, err));
    }

    private static CompletableFuture<Void> marker(Map<OutputStream, Tap> taps, OutputStream s) {
        Tap t = s == null ? null : taps.get(s);
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (t == null) {
            f.complete(null);
        } else {
            t.queue.add(f);
        }
        return f;
    }

    private Map<OutputStream, Tap> of(String stream) {
        return stream.equals("stderr") ? stderr : stdout;
    }

    private static void stop(Map<OutputStream, Tap> taps, OutputStream s) {
        Tap t = s == null ? null : taps.remove(s);
        if (t != null) {
            t.stop();
        }
    }

    /** One client stream and the virtual thread writing its queue. */
    private static final class Tap {
        final OutputStream out;
        final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>(); // bounded by bytes, in write()
        final java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong();

        Tap(OutputStream out) {
            this.out = out;
            Thread.ofVirtual().name("keelson-cri-tap").start(this::run);
        }

        /** Drops what is queued (completing any flush marker among it) and ends the writer. */
        void stop() {
            List<Object> dropped = new ArrayList<>();
            queue.drainTo(dropped);
            for (Object o : dropped) {
                if (o instanceof CompletableFuture<?> f) {
                    f.complete(null);
                }
            }
            queue.offer(STOP);
        }

        private void run() {
            boolean failed = false;
            try {
                while (true) {
                    Object o = queue.take();
                    if (o == STOP) {
                        return;
                    }
                    if (o instanceof CompletableFuture<?> f) {
                        f.complete(null);
                    } else {
                        byte[] chunk = (byte[]) o;
                        queued.addAndGet(-chunk.length);
                        if (!failed) {
                            try {
                                out.write(chunk);
                                out.flush();
                            } catch (IOException | RuntimeException e) {
                                failed = true; // the client is gone: later chunks are dropped, markers still complete
                            }
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
