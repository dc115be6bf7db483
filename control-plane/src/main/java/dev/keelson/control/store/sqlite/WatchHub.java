package dev.keelson.control.store.sqlite;

import dev.keelson.control.store.StoreException;
import dev.keelson.control.store.WatchEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands committed writes to the watches, in process: the writer publishes each batch's events right
 * after its commit, in revision order, and every watch whose prefix matches queues them.
 *
 * <p>The hub's lock is what closes the gap between catch-up and live delivery: a watch registers
 * under the lock and learns the published revision R at that instant; every event after R reaches
 * its queue, every event up to R is in the table. It replays the table up to R, then drains the
 * queue — nothing missed, nothing twice.
 */
final class WatchHub {
    private final List<SqliteWatch> watches = new ArrayList<>();
    private long published;
    private StoreException closed;

    WatchHub(long published) {
        this.published = published;
    }

    /** Adds a watch; returns the revision after which its queue will receive every event. */
    synchronized long register(SqliteWatch w) {
        if (closed != null) {
            throw closed;
        }
        watches.add(w);
        return published;
    }

    synchronized void unregister(SqliteWatch w) {
        watches.remove(w);
    }

    /** Called by the writer after each commit, in commit order. */
    synchronized void publish(List<WatchEvent> events, long revision) {
        if (!events.isEmpty()) {
            for (SqliteWatch w : watches) {
                w.offer(events);
            }
        }
        published = revision;
    }

    /** A lagging watch starts queueing again; it must replay the table up to the returned revision. */
    synchronized long resume(SqliteWatch w) {
        w.resumeQueueing();
        return published;
    }

    /** The published revision if {@code w} has nothing queued (so it is up to date), else -1. */
    synchronized long idleRevision(SqliteWatch w) {
        return w.isCaughtUp() ? published : -1;
    }

    /** Ends every watch with {@code error}; later registrations fail with it. */
    synchronized void close(StoreException error) {
        closed = error;
        for (SqliteWatch w : watches) {
            w.fail(error);
        }
        watches.clear();
    }
}
