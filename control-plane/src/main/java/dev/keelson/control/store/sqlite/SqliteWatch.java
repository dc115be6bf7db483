package dev.keelson.control.store.sqlite;

import dev.keelson.control.store.CompactedException;
import dev.keelson.control.store.StoreException;
import dev.keelson.control.store.Watch;
import dev.keelson.control.store.WatchEvent;
import dev.keelson.control.store.WatchListener;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One watch: a queue the hub fills and a virtual thread that empties it into the listener, so a
 * slow listener holds up only itself.
 *
 * <pre>
 *   replay table (last, liveFrom] ──▶ drain queue (events > liveFrom) ──▶ …
 *          ▲                                   │ queue over watchBuffer: hub stops queueing,
 *          └──────── liveFrom = hub.resume ◀───┘ drops the queue and leaves a LAGGED marker
 * </pre>
 *
 * {@code last} is the revision up to which every matching event has been delivered; an event at or
 * below it (queued before a replay covered it) is skipped.
 */
final class SqliteWatch implements Watch {
    private static final Object LAGGED = new Object();
    private static final Object CLOSED = new Object();
    private static final int PAGE = 512;

    private record Failure(StoreException error) {}

    private final String prefix;
    private final byte[] lo;
    private final byte[] hi;
    private final WatchListener listener;
    private final Reads reads;
    private final WatchHub hub;
    private final int buffer;
    private final long progressNanos;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    /** Guarded by the hub's lock. */
    private boolean lagging;
    private volatile boolean closed;
    private long last;
    private long liveFrom;
    private long reported;

    SqliteWatch(String prefix, WatchListener listener, Reads reads, WatchHub hub, SqliteOptions options) {
        this.prefix = prefix;
        this.lo = prefix.getBytes(StandardCharsets.UTF_8);
        this.hi = Rows.end(lo);
        this.listener = listener;
        this.reads = reads;
        this.hub = hub;
        this.buffer = options.watchBuffer();
        this.progressNanos = options.progressInterval().toNanos();
    }

    /** Registers with the hub and starts delivering events after {@code after} (0: after now). */
    SqliteWatch start(long after) {
        liveFrom = hub.register(this);
        last = after == 0 ? liveFrom : after;
        reported = last;
        Thread.ofVirtual().name("keelson-watch " + prefix).start(this::run);
        return this;
    }

    /** From the hub, under its lock. */
    void offer(List<WatchEvent> events) {
        if (lagging) {
            return;
        }
        for (WatchEvent e : events) {
            if (e.kv().key().startsWith(prefix)) {
                if (queue.size() >= buffer) {
                    lagging = true;
                    queue.clear();
                    queue.add(LAGGED);
                    return;
                }
                queue.add(e);
            }
        }
    }

    /** From the hub, under its lock. */
    void resumeQueueing() {
        lagging = false;
    }

    /** From the hub, under its lock. */
    boolean isCaughtUp() {
        return !lagging && queue.isEmpty();
    }

    void fail(StoreException error) {
        queue.add(new Failure(error));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            hub.unregister(this);
            queue.add(CLOSED);
        }
    }

    private void run() {
        try {
            while (!closed) {
                if (last < liveFrom) {
                    replay();
                    continue;
                }
                Object o = queue.poll(progressNanos, TimeUnit.NANOSECONDS);
                if (closed || o == CLOSED) {
                    return;
                }
                if (o == null) {
                    progress();
                } else if (o == LAGGED) {
                    liveFrom = hub.resume(this);
                } else if (o instanceof Failure f) {
                    end(f.error());
                    return;
                } else if (o instanceof WatchEvent e && e.revision() > last) {
                    listener.onEvent(e);
                    last = e.revision();
                }
            }
        } catch (StoreException e) {
            end(e); // compaction overtook a replay, or the store closed under it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            end(new StoreException("watch listener for " + prefix + " failed: " + e, e));
        }
    }

    /** Delivers the table's events in (last, liveFrom], a page at a time. */
    private void replay() {
        List<WatchEvent> page = reads.events(lo, hi, last, liveFrom, PAGE);
        for (WatchEvent e : page) {
            if (closed) {
                return;
            }
            listener.onEvent(e);
            last = e.revision();
        }
        if (page.size() < PAGE) {
            last = liveFrom; // nothing else matched this prefix up to liveFrom
        }
    }

    private void progress() {
        long r = hub.idleRevision(this);
        if (r > last && r > reported) {
            reported = r;
            listener.onProgress(r);
        }
    }

    private void end(StoreException e) {
        if (!closed) {
            closed = true;
            hub.unregister(this);
            listener.onError(e);
        }
    }
}
