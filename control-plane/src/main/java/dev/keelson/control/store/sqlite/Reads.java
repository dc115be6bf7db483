package dev.keelson.control.store.sqlite;

import dev.keelson.control.store.CompactedException;
import dev.keelson.control.store.FutureRevisionException;
import dev.keelson.control.store.KeyRange;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.RangeResult;
import dev.keelson.control.store.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the store reads: the latest value of a key, ranges (latest through the {@code live}
 * table, past revisions through the history), counts, and the events a watch replays. Each call is
 * one read transaction, so a page and the revision it reports come from the same snapshot.
 */
final class Reads {
    private final ReaderPool pool;

    Reads(ReaderPool pool) {
        this.pool = pool;
    }

    Optional<KeyValue> get(String key) {
        byte[] name = KeyRange.bytes(key);
        return pool.read("get " + key, r -> {
            PreparedStatement p = r.prepare(Rows.GET);
            p.setBytes(1, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(Rows.keyValue(rs)) : Optional.empty();
            }
        });
    }

    long count(String prefix) {
        byte[] lo = prefix.getBytes(StandardCharsets.UTF_8);
        return pool.read("count " + prefix, r -> {
            PreparedStatement p = r.prepare(Rows.LIVE_COUNT);
            p.setBytes(1, lo);
            p.setBytes(2, Rows.end(lo));
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    RangeResult range(String prefix, String startAfter, int limit, long revision) {
        if (limit < 0 || revision < 0) {
            throw new IllegalArgumentException("limit and revision must not be negative");
        }
        byte[] hi = Rows.end(prefix.getBytes(StandardCharsets.UTF_8));
        byte[] lo = KeyRange.lowerBound(prefix, startAfter);
        return pool.read("range " + prefix, r -> {
            long head = Schema.headRevision(r.connection);
            long at = revision == 0 ? head : revision;
            if (at > head) {
                throw new FutureRevisionException("revision " + at + " is newer than the store's revision " + head);
            }
            long compacted = Schema.compactedRevision(r.connection);
            if (at < compacted) {
                throw new CompactedException(at, compacted);
            }
            boolean latest = at == head;
            List<KeyValue> items = page(r, latest, lo, hi, at, limit);
            boolean more = limit > 0 && items.size() > limit;
            long remaining = 0;
            if (more) {
                items.remove(items.size() - 1);
                byte[] after = KeyRange.lowerBound(prefix, items.get(items.size() - 1).key());
                remaining = count(r, latest, after, hi, at);
            }
            return new RangeResult(List.copyOf(items), at, more, remaining);
        });
    }

    /**
     * Up to {@code limit} events for keys in [lo, hi) with revisions in (after, upTo], oldest first.
     *
     * @throws CompactedException if history after {@code after} is no longer complete
     */
    List<WatchEvent> events(byte[] lo, byte[] hi, long after, long upTo, int limit) {
        return pool.read("replay events", r -> {
            long compacted = Schema.compactedRevision(r.connection);
            if (after < compacted) {
                throw new CompactedException(after, compacted);
            }
            PreparedStatement p = r.prepare(Rows.EVENTS);
            p.setLong(1, after);
            p.setLong(2, upTo);
            p.setBytes(3, lo);
            p.setBytes(4, hi);
            p.setInt(5, limit);
            List<WatchEvent> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(Rows.event(rs));
                }
            }
            return out;
        });
    }

    private static List<KeyValue> page(ReaderPool.Reader r, boolean latest, byte[] lo, byte[] hi, long at, int limit)
            throws SQLException {
        PreparedStatement p = r.prepare(latest ? Rows.LIVE_RANGE : Rows.HISTORY_RANGE);
        int i = 1;
        p.setBytes(i++, lo);
        p.setBytes(i++, hi);
        if (!latest) {
            p.setLong(i++, at);
        }
        // One more than asked: whether it exists is the answer to "more".
        p.setLong(i, limit == 0 ? -1 : limit + 1L);
        List<KeyValue> items = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                items.add(Rows.keyValue(rs));
            }
        }
        return items;
    }

    private static long count(ReaderPool.Reader r, boolean latest, byte[] lo, byte[] hi, long at) throws SQLException {
        PreparedStatement p = r.prepare(latest ? Rows.LIVE_COUNT : Rows.HISTORY_COUNT);
        p.setBytes(1, lo);
        p.setBytes(2, hi);
        if (!latest) {
            p.setLong(3, at);
        }
        try (ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
