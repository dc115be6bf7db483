package dev.keelson.control.store.sqlite;

import dev.keelson.control.store.CompactedException;
import dev.keelson.control.store.Deleted;
import dev.keelson.control.store.KeyNotFoundException;
import dev.keelson.control.store.KeyRange;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.RangeResult;
import dev.keelson.control.store.Store;
import dev.keelson.control.store.StoreException;
import dev.keelson.control.store.Watch;
import dev.keelson.control.store.WatchListener;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embedded {@link Store}: one SQLite file in WAL mode, laid out like kine (see {@link Schema}):
 * every write appends a row whose id is its revision, so reading at a revision and replaying a
 * watch are index range scans.
 *
 * <pre>
 *   create/update/delete/grant/revoke/compact ──▶ Writer (group commit) ──▶ WatchHub ──▶ SqliteWatch × n
 *   get/range/count ─────────────────────────────▶ ReaderPool (WAL snapshots)   ▲ replay from the table
 *   LeaseReaper ── expired lease ──▶ Writer (Revoke: DELETE events)             │
 * </pre>
 *
 * Watches are fed in process straight after each commit, never by polling the table; a watch that
 * starts in the past or falls behind reads the table, then joins the live stream without a gap.
 * Closing and reopening the same file continues the revision sequence, and a watch opened after a
 * reopen replays from the table. One store at a time may open a file ({@code FILE.lock} says who).
 */
public final class SqliteStore implements Store {
    private final Path file;
    private final SqliteOptions options;
    private final OwnerLock owner;
    private final ReaderPool pool;
    private final Reads reads;
    private final WatchHub hub;
    private final LeaseReaper leases;
    private final Writer writer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SqliteStore(Path file, SqliteOptions options) {
        this.file = file;
        this.options = options;
        this.owner = OwnerLock.acquire(file);
        Connection w;
        try {
            w = Schema.openWriter(file, options);
        } catch (StoreException e) {
            owner.close();
            throw e;
        }
        try {
            long revision = Schema.headRevision(w);
            long compacted = Schema.compactedRevision(w);
            Mutations m = new Mutations(w, revision, compacted);
            hub = new WatchHub(revision);
            leases = new LeaseReaper(lease -> this.expire(lease));
            writer = new Writer(w, m, hub, leases, options.maxBatch());
            loadLeases(w);
            w.commit();
        } catch (SQLException e) {
            Schema.close(w);
            owner.close();
            throw new StoreException("cannot open the store " + file + ": " + e.getMessage(), e);
        }
        pool = new ReaderPool(file, options);
        reads = new Reads(pool);
        writer.start();
        leases.start();
    }

    /** Opens (creating if needed) the store in {@code file} with the default options. */
    public static SqliteStore open(Path file) {
        return open(file, SqliteOptions.defaults());
    }

    /** Opens (creating if needed) the store in {@code file}. */
    public static SqliteStore open(Path file, SqliteOptions options) {
        return new SqliteStore(Objects.requireNonNull(file, "file"), Objects.requireNonNull(options, "options"));
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    public SqliteOptions options() {
        return options;
    }

    @Override
    public long revision() {
        return writer.committed();
    }

    @Override
    public long compactedRevision() {
        return writer.compacted();
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return reads.get(key);
    }

    @Override
    public RangeResult range(String prefix, String startAfter, int limit, long revision) {
        return reads.range(Objects.requireNonNull(prefix, "prefix"), startAfter, limit, revision);
    }

    @Override
    public long count(String prefix) {
        return reads.count(Objects.requireNonNull(prefix, "prefix"));
    }

    @Override
    public KeyValue create(String key, byte[] value, long lease) {
        KeyRange.bytes(key);
        return (KeyValue) writer.submit(new WriteOp.Create(key, Objects.requireNonNull(value, "value"), lease));
    }

    @Override
    public KeyValue update(String key, byte[] value, long expectedModRevision, long lease) {
        KeyRange.bytes(key);
        return (KeyValue) writer.submit(new WriteOp.Update(key, Objects.requireNonNull(value, "value"), expectedModRevision, lease));
    }

    @Override
    public Deleted delete(String key, long expectedModRevision) {
        KeyRange.bytes(key);
        return (Deleted) writer.submit(new WriteOp.Delete(key, expectedModRevision));
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        long compacted = writer.compacted();
        if (afterRevision != 0 && afterRevision < compacted) {
            throw new CompactedException(afterRevision, compacted);
        }
        return new SqliteWatch(prefix, listener, reads, hub, options).start(afterRevision);
    }

    @Override
    public void compact(long revision) {
        writer.submit(new WriteOp.Compact(revision));
    }

    @Override
    public long grant(Duration ttl) {
        long ms = ttl.toMillis();
        if (ms <= 0) {
            throw new IllegalArgumentException("a lease TTL must be positive, was " + ttl);
        }
        return (Long) writer.submit(new WriteOp.Grant(ms));
    }

    @Override
    public void keepAlive(long lease) {
        if (!leases.renew(lease)) {
            throw new KeyNotFoundException("lease " + lease + " does not exist (expired or revoked)");
        }
    }

    @Override
    public void revoke(long lease) {
        writer.submit(new WriteOp.Revoke(lease, true));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        leases.close();
        writer.close();
        hub.close(new StoreException("the store was closed"));
        pool.close();
        owner.close();
    }

    private void expire(long lease) {
        writer.submitLater(new WriteOp.Revoke(lease, false));
    }

    private void loadLeases(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, ttl_ms FROM lease")) {
            while (rs.next()) {
                leases.add(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    @Override
    public String toString() {
        return "SqliteStore[" + file + "]";
    }
}
