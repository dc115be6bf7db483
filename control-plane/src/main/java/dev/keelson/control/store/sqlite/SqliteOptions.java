package dev.keelson.control.store.sqlite;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SqliteStore} runs.
 *
 * <p><b>Durability.</b> The database is in WAL mode. With {@link Sync#NORMAL} (the default) a
 * commit is a write into the WAL file without an fsync; the WAL is synced at checkpoints. A write
 * that returned survives the Keelson process crashing or being killed (the data is in the kernel's
 * page cache and SQLite replays the WAL on the next open); only a kernel crash or power loss can
 * lose the last moments of writes, and never corrupts the database. That matches a single-node
 * cluster, whose node agent dies with the machine anyway. {@link Sync#FULL} fsyncs the WAL on every
 * commit, as etcd fsyncs its log: group commit then shares one fsync among every write that arrived
 * while the previous one ran.
 *
 * @param sync             when commits reach the disk (see above)
 * @param readers          read connections kept open (WAL readers never block the writer or each other)
 * @param maxBatch         most writes committed in one transaction by the group-commit writer
 * @param watchBuffer      events a slow watch may have queued before it falls back to reading the
 *                         table (it then catches up from there, losing nothing unless compacted)
 * @param progressInterval how long a watch may be idle before its listener gets {@code onProgress}
 */
public record SqliteOptions(Sync sync, int readers, int maxBatch, int watchBuffer, Duration progressInterval) {

    /** SQLite's {@code PRAGMA synchronous} levels that make sense in WAL mode. */
    public enum Sync { NORMAL, FULL }

    public SqliteOptions {
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(progressInterval, "progressInterval");
        if (readers < 1 || maxBatch < 1 || watchBuffer < 1 || progressInterval.isNegative() || progressInterval.isZero()) {
            throw new IllegalArgumentException("readers, maxBatch, watchBuffer and progressInterval must be positive");
        }
    }

    /** NORMAL sync, 4 readers, batches of up to 256 writes, 10,000 buffered events, progress after 1 s idle. */
    public static SqliteOptions defaults() {
        return new SqliteOptions(Sync.NORMAL, 4, 256, 10_000, Duration.ofSeconds(1));
    }

    public SqliteOptions withSync(Sync s) {
        return new SqliteOptions(s, readers, maxBatch, watchBuffer, progressInterval);
    }

    public SqliteOptions withWatchBuffer(int events) {
        return new SqliteOptions(sync, readers, maxBatch, events, progressInterval);
    }

    public SqliteOptions withProgressInterval(Duration d) {
        return new SqliteOptions(sync, readers, maxBatch, watchBuffer, d);
    }
}
