package dev.keelson.control.store.sqlite;

import dev.keelson.control.store.ConflictException;
import dev.keelson.control.store.Deleted;
import dev.keelson.control.store.FutureRevisionException;
import dev.keelson.control.store.KeyExistsException;
import dev.keelson.control.store.KeyNotFoundException;
import dev.keelson.control.store.KeyRange;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.WatchEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes, as SQL on the one write connection, inside the transaction the {@link Writer} has
 * open. Every check happens before anything is written, so an op that fails its check leaves the
 * transaction as it found it and the rest of the batch commits. Each row written takes the next
 * revision as its id, and the resulting watch event is appended to {@link #events}.
 */
final class Mutations {
    private static final String INSERT = "INSERT INTO kv (id, name, deleted, create_revision, prev_revision, lease, value)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String SET_LIVE = "INSERT INTO live (name, id, lease) VALUES (?, ?, ?)"
            + " ON CONFLICT (name) DO UPDATE SET id = excluded.id, lease = excluded.lease";
    private static final String DROP_LIVE = "DELETE FROM live WHERE name = ?";
    private static final String LEASE_EXISTS = "SELECT 1 FROM lease WHERE id = ?";
    private static final String LEASE_KEYS = "SELECT name FROM live WHERE lease = ? ORDER BY name";
    private static final String INSERT_LEASE = "INSERT INTO lease (ttl_ms) VALUES (?) RETURNING id";
    private static final String DROP_LEASE = "DELETE FROM lease WHERE id = ?";
    private static final String SET_COMPACTED = "INSERT INTO meta (name, value) VALUES ('" + Schema.COMPACTED + "', ?)"
            + " ON CONFLICT (name) DO UPDATE SET value = excluded.value";
    /**
     * Rows older than the compaction revision that a read at or after it can no longer see: those
     * with a newer row at or before the revision, and tombstones (a deleted key needs no row).
     */
    private static final String COMPACT = "DELETE FROM kv WHERE id < ?1 AND (deleted = 1"
            + " OR EXISTS (SELECT 1 FROM kv n WHERE n.name = kv.name AND n.id > kv.id AND n.id <= ?1))";

    private final PreparedStatement get;
    private final PreparedStatement insert;
    private final PreparedStatement setLive;
    private final PreparedStatement dropLive;
    private final PreparedStatement leaseExists;
    private final PreparedStatement leaseKeys;
    private final PreparedStatement insertLease;
    private final PreparedStatement dropLease;
    private final PreparedStatement setCompacted;
    private final PreparedStatement compact;

    /** The newest revision written in this connection, committed or not. */
    private long revision;
    private long compacted;
    final List<WatchEvent> events = new ArrayList<>();

    Mutations(Connection c, long revision, long compacted) throws SQLException {
        this.revision = revision;
        this.compacted = compacted;
        get = c.prepareStatement(Rows.GET);
        insert = c.prepareStatement(INSERT);
        setLive = c.prepareStatement(SET_LIVE);
        dropLive = c.prepareStatement(DROP_LIVE);
        leaseExists = c.prepareStatement(LEASE_EXISTS);
        leaseKeys = c.prepareStatement(LEASE_KEYS);
        insertLease = c.prepareStatement(INSERT_LEASE);
        dropLease = c.prepareStatement(DROP_LEASE);
        setCompacted = c.prepareStatement(SET_COMPACTED);
        compact = c.prepareStatement(COMPACT);
    }

    long revision() {
        return revision;
    }

    long compacted() {
        return compacted;
    }

    /** After a rollback: forget what the batch wrote. */
    void rollBackTo(long committedRevision, long committedCompaction) {
        revision = committedRevision;
        compacted = committedCompaction;
        events.clear();
    }

    KeyValue create(String key, byte[] value, long lease) throws SQLException {
        byte[] name = KeyRange.bytes(key);
        if (current(name) != null) {
            throw new KeyExistsException("key " + key + " already exists");
        }
        requireLease(lease);
        long rev = ++revision;
        KeyValue kv = new KeyValue(key, value, rev, rev, lease);
        write(name, kv, 0, false);
        events.add(new WatchEvent(WatchEvent.Type.PUT, kv, null));
        return kv;
    }

    KeyValue update(String key, byte[] value, long expected, long lease) throws SQLException {
        byte[] name = KeyRange.bytes(key);
        KeyValue cur = guarded(name, key, expected, "update");
        requireLease(lease);
        long rev = ++revision;
        KeyValue kv = new KeyValue(key, value, cur.createRevision(), rev, lease);
        write(name, kv, cur.modRevision(), false);
        events.add(new WatchEvent(WatchEvent.Type.PUT, kv, cur));
        return kv;
    }

    Deleted delete(String key, long expected) throws SQLException {
        byte[] name = KeyRange.bytes(key);
        return remove(name, guarded(name, key, expected, "delete"));
    }

    long grant(long ttlMillis) throws SQLException {
        insertLease.setLong(1, ttlMillis);
        try (ResultSet rs = insertLease.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Deletes every key on the lease (a DELETE event each), then the lease; false if there was no lease. */
    boolean revoke(long lease) throws SQLException {
        if (!leaseExists(lease)) {
            return false;
        }
        List<byte[]> names = new ArrayList<>();
        leaseKeys.setLong(1, lease);
        try (ResultSet rs = leaseKeys.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getBytes(1));
            }
        }
        for (byte[] name : names) {
            remove(name, current(name));
        }
        dropLease.setLong(1, lease);
        dropLease.executeUpdate();
        return true;
    }

    /** Forgets history before {@code rev}; a revision at or below the compacted one is a no-op. */
    void compact(long rev) throws SQLException {
        if (rev > revision) {
            throw new FutureRevisionException("cannot compact at " + rev + ": the store is at revision " + revision);
        }
        if (rev <= compacted) {
            return;
        }
        setCompacted.setLong(1, rev);
        setCompacted.executeUpdate();
        compact.setLong(1, rev);
        compact.executeUpdate();
        compacted = rev;
    }

    private Deleted remove(byte[] name, KeyValue cur) throws SQLException {
        long rev = ++revision;
        KeyValue gone = Rows.tombstone(cur.key(), rev);
        write(name, gone, cur.modRevision(), true);
        events.add(new WatchEvent(WatchEvent.Type.DELETE, gone, cur));
        return new Deleted(cur, rev);
    }

    private KeyValue guarded(byte[] name, String key, long expected, String op) throws SQLException {
        KeyValue cur = current(name);
        if (cur == null) {
            throw new KeyNotFoundException("cannot " + op + " " + key + ": it does not exist");
        }
        if (expected != 0 && cur.modRevision() != expected) {
            throw new ConflictException("cannot " + op + " " + key + ": expected mod revision " + expected
                    + ", found " + cur.modRevision(), cur);
        }
        return cur;
    }

    private KeyValue current(byte[] name) throws SQLException {
        get.setBytes(1, name);
        try (ResultSet rs = get.executeQuery()) {
            return rs.next() ? Rows.keyValue(rs) : null;
        }
    }

    private void requireLease(long lease) throws SQLException {
        if (lease != 0 && !leaseExists(lease)) {
            throw new KeyNotFoundException("lease " + lease + " does not exist (expired or revoked)");
        }
    }

    private boolean leaseExists(long lease) throws SQLException {
        leaseExists.setLong(1, lease);
        try (ResultSet rs = leaseExists.executeQuery()) {
            return rs.next();
        }
    }

    private void write(byte[] name, KeyValue kv, long prev, boolean tombstone) throws SQLException {
        insert.setLong(1, kv.modRevision());
        insert.setBytes(2, name);
        insert.setInt(3, tombstone ? 1 : 0);
        insert.setLong(4, kv.createRevision());
        insert.setLong(5, prev);
        insert.setLong(6, kv.lease());
        insert.setBytes(7, kv.value());
        insert.executeUpdate();
        if (tombstone) {
            dropLive.setBytes(1, name);
            dropLive.executeUpdate();
        } else {
            setLive.setBytes(1, name);
            setLive.setLong(2, kv.modRevision());
            setLive.setLong(3, kv.lease());
            setLive.executeUpdate();
        }
    }
}
