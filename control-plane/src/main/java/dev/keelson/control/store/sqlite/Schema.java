package dev.keelson.control.store.sqlite;

import dev.keelson.control.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The database layout, and how connections to it are opened.
 *
 * <pre>
 *  kv     one row per write; its id IS the store revision (AUTOINCREMENT: never reused, so the
 *         revision keeps counting across compaction and reopen)
 *         id | name (UTF-8 BLOB) | deleted | create_revision | prev_revision | lease | value
 *          1 | /a                |    0    |        1        |       0       |   0   | v1
 *          2 | /a                |    0    |        1        |       1       |   0   | v2
 *          3 | /a                |    1    |        0        |       2       |   0   | NULL  (tombstone)
 *  live   name → id of its newest row, for keys that exist now (latest reads, counts, lease lookups)
 *  lease  id → TTL in ms
 *  meta   'compacted' → the compacted revision
 * </pre>
 *
 * A read at revision R takes, per name, the row with the greatest id ≤ R unless it is a tombstone;
 * a watch replays {@code id > after} in id order, joining {@code prev_revision} for the old value.
 */
final class Schema {
    static final String COMPACTED = "compacted";

    private static final String[] DDL = {
        """
        CREATE TABLE IF NOT EXISTS kv (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name BLOB NOT NULL,
          deleted INTEGER NOT NULL,
          create_revision INTEGER NOT NULL,
          prev_revision INTEGER NOT NULL,
          lease INTEGER NOT NULL,
          value BLOB)""",
        "CREATE INDEX IF NOT EXISTS kv_name_id ON kv(name, id)",
        "CREATE TABLE IF NOT EXISTS live (name BLOB PRIMARY KEY, id INTEGER NOT NULL, lease INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE INDEX IF NOT EXISTS live_lease ON live(lease) WHERE lease <> 0",
        "CREATE TABLE IF NOT EXISTS lease (id INTEGER PRIMARY KEY AUTOINCREMENT, ttl_ms INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    };

    private Schema() {
    }

    /** The one connection that writes; it creates the tables when the file is new. */
    static Connection openWriter(Path file, SqliteOptions options) {
        SQLiteConfig c = base(options);
        // The only writer: IMMEDIATE takes the write lock at BEGIN, so a batch never has to upgrade.
        c.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        Connection conn = open(file, c);
        try (Statement s = conn.createStatement()) {
            for (String ddl : DDL) {
                s.execute(ddl);
            }
            conn.setAutoCommit(false);
            return conn;
        } catch (SQLException e) {
            close(conn);
            throw new StoreException("cannot create the store schema in " + file + ": " + e.getMessage(), e);
        }
    }

    /** A read connection; each read runs in its own transaction, so it sees one snapshot. */
    static Connection openReader(Path file, SqliteOptions options) {
        Connection conn = open(file, base(options));
        try {
            conn.setAutoCommit(false);
            return conn;
        } catch (SQLException e) {
            close(conn);
            throw new StoreException("cannot open a reader on " + file + ": " + e.getMessage(), e);
        }
    }

    /** The newest revision ever assigned (compaction may have removed its row, never its number). */
    static long headRevision(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'kv'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static long compactedRevision(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE name = '" + COMPACTED + "'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static SQLiteConfig base(SqliteOptions options) {
        SQLiteConfig c = new SQLiteConfig();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        c.setSynchronous(options.sync() == SqliteOptions.Sync.FULL
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        c.setBusyTimeout(30_000);
        c.setTempStore(SQLiteConfig.TempStore.MEMORY);
        return c;
    }

    private static Connection open(Path file, SQLiteConfig c) {
        try {
            return c.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        } catch (SQLException e) {
            throw new StoreException("cannot open the store " + file + ": " + e.getMessage(), e);
        }
    }

    static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing after a failure: the first error is the one worth reporting
        }
    }
}
