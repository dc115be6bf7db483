package dev.keelson.control.store.sqlite;

import dev.keelson.control.store.KeyRange;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.WatchEvent;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The SQL the readers run, and how its rows become {@link KeyValue}s. Every query that returns a
 * value selects {@code id, name, create_revision, lease, value} first, in that order.
 */
final class Rows {
    static final String KV_COLUMNS = "k.id, k.name, k.create_revision, k.lease, k.value";

    static final String GET = "SELECT " + KV_COLUMNS + " FROM live l JOIN kv k ON k.id = l.id WHERE l.name = ?";

    static final String LIVE_RANGE = "SELECT " + KV_COLUMNS
            + " FROM live l JOIN kv k ON k.id = l.id WHERE l.name >= ? AND l.name < ? ORDER BY l.name LIMIT ?";

    static final String LIVE_COUNT = "SELECT COUNT(*) FROM live WHERE name >= ? AND name < ?";

    /** Per name the newest row at or before the revision; tombstones mean "absent". */
    private static final String AT = " FROM kv k JOIN (SELECT MAX(id) AS mid FROM kv"
            + " WHERE name >= ? AND name < ? AND id <= ? GROUP BY name) m ON k.id = m.mid WHERE k.deleted = 0";

    static final String HISTORY_RANGE = "SELECT " + KV_COLUMNS + AT + " ORDER BY k.name LIMIT ?";

    static final String HISTORY_COUNT = "SELECT COUNT(*)" + AT;

    /** Writes after a revision, in revision order, with the value each one replaced. */
    static final String EVENTS = "SELECT " + KV_COLUMNS + ", k.deleted, p.id, p.create_revision, p.lease, p.value"
            + " FROM kv k LEFT JOIN kv p ON p.id = k.prev_revision"
            + " WHERE k.id > ? AND k.id <= ? AND k.name >= ? AND k.name < ? ORDER BY k.id LIMIT ?";

    /** Above every UTF-8 key: 0xFF never occurs in UTF-8. */
    static final byte[] END_OF_KEYS = {(byte) 0xFF};

    private Rows() {
    }

    /** The upper bound of a prefix scan. */
    static byte[] end(byte[] prefix) {
        byte[] e = KeyRange.prefixEnd(prefix);
        return e == null ? END_OF_KEYS : e;
    }

    /** The key-value in columns 1–5. */
    static KeyValue keyValue(ResultSet rs) throws SQLException {
        return new KeyValue(KeyRange.key(rs.getBytes(2)), rs.getBytes(5), rs.getLong(3), rs.getLong(1), rs.getLong(4));
    }

    /** A row of {@link #EVENTS} as the event a watch sees. */
    static WatchEvent event(ResultSet rs) throws SQLException {
        String key = KeyRange.key(rs.getBytes(2));
        long rev = rs.getLong(1);
        long prevId = rs.getLong(7);
        KeyValue prev = rs.wasNull() ? null : new KeyValue(key, rs.getBytes(10), rs.getLong(8), prevId, rs.getLong(9));
        if (rs.getInt(6) != 0) {
            return new WatchEvent(WatchEvent.Type.DELETE, tombstone(key, rev), prev);
        }
        return new WatchEvent(WatchEvent.Type.PUT, new KeyValue(key, rs.getBytes(5), rs.getLong(3), rev, rs.getLong(4)), prev);
    }

    /** The kv of a DELETE event: the key and the deletion's revision, as etcd reports it. */
    static KeyValue tombstone(String key, long revision) {
        return new KeyValue(key, null, 0, revision, 0);
    }
}
