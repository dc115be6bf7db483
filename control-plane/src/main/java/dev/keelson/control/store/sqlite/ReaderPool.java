package dev.keelson.control.store.sqlite;

import dev.keelson.control.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A fixed set of read connections. A read borrows one, runs in one transaction (one snapshot of
 * the WAL), and gives it back; in WAL mode readers never wait for the writer.
 */
final class ReaderPool implements AutoCloseable {
    /** One borrowed connection with its prepared statements, kept with it for its whole life. */
    static final class Reader {
        final Connection connection;
        private final Map<String, PreparedStatement> statements = new HashMap<>();

        Reader(Connection connection) {
            this.connection = connection;
        }

        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement p = statements.get(sql);
            if (p == null) {
                p = connection.prepareStatement(sql);
                statements.put(sql, p);
            }
            return p;
        }
    }

    /** A read that may fail with SQL errors. */
    @FunctionalInterface
    interface Read<T> {
        T run(Reader r) throws SQLException;
    }

    private final BlockingQueue<Reader> idle;
    private final List<Reader> all = new ArrayList<>();
    private volatile boolean closed;

    ReaderPool(Path file, SqliteOptions options) {
        idle = new ArrayBlockingQueue<>(options.readers());
        for (int i = 0; i < options.readers(); i++) {
            Reader r = new Reader(Schema.openReader(file, options));
            all.add(r);
            idle.add(r);
        }
    }

    /** Runs {@code read} in a transaction of its own on a pooled connection. */
    <T> T read(String what, Read<T> read) {
        if (closed) {
            throw new StoreException("the store is closed");
        }
        Reader r;
        try {
            r = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a store reader");
        }
        try {
            return read.run(r);
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        } finally {
            try {
                r.connection.commit(); // ends the read transaction: the next read sees a fresh snapshot
            } catch (SQLException ignored) {
                // a read-only transaction has nothing to lose
            }
            idle.add(r);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Reader r : all) {
            Schema.close(r.connection);
        }
    }
}
