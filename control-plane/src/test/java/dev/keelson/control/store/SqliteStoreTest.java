package dev.keelson.control.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.control.store.sqlite.SqliteOptions;
import dev.keelson.control.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite on the embedded store, plus what only it has (buffers, progress, options). */
class SqliteStoreTest extends StoreConformance {
    @TempDir
    Path dir;

    @Override
    protected Store open() {
        return SqliteStore.open(dir.resolve("store.db"));
    }

    @Override
    protected Store reopen(Store s) {
        s.close();
        return SqliteStore.open(dir.resolve("store.db"));
    }

    @Test
    void aSlowWatchThatOverflowsItsBufferCatchesUpFromTheTableWithoutGaps() throws Exception {
        store.close();
        store = SqliteStore.open(dir.resolve("small.db"), SqliteOptions.defaults().withWatchBuffer(8));
        Recorder slow = new Recorder(1);
        int n = 400;
        try (Watch _ = store.watch(p, store.revision(), slow); ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                int id = t;
                pool.submit(() -> {
                    for (int i = 0; i < n / 4; i++) {
                        store.create(p + id + "/" + i, v("x"), 0);
                    }
                });
            }
            pool.shutdown();
            List<WatchEvent> events = slow.await(n, Duration.ofSeconds(30));
            for (int i = 1; i < events.size(); i++) {
                assertEquals(events.get(i - 1).revision() + 1, events.get(i).revision(), "no gap, no repeat at " + i);
            }
            assertEquals(n, events.size());
        }
    }

    @Test
    void anIdleWatchIsToldTheStoreMovedOn() {
        store.close();
        store = SqliteStore.open(dir.resolve("progress.db"), SqliteOptions.defaults().withProgressInterval(Duration.ofMillis(100)));
        Recorder rec = new Recorder();
        try (Watch _ = store.watch(p + "quiet/", 0, rec)) {
            long r = store.create(p + "loud", v("x"), 0).modRevision();
            List<Long> progress = rec.awaitProgress(Duration.ofSeconds(5));
            assertTrue(progress.get(progress.size() - 1) >= r);
            assertTrue(rec.events().isEmpty());
        }
    }

    @Test
    void closingTheStoreEndsItsWatchesWithAnError() {
        Recorder rec = new Recorder();
        store.watch(p, 0, rec);
        store.close();
        assertTrue(rec.awaitError(Duration.ofSeconds(5)).getMessage().contains("closed"));
        assertThrows(StoreException.class, () -> store.create(p + "a", v("1"), 0));
        store = open();
    }

    @Test
    void fullSyncCommitsLikeNormal() {
        store.close();
        SqliteOptions full = SqliteOptions.defaults().withSync(SqliteOptions.Sync.FULL);
        store = SqliteStore.open(dir.resolve("full.db"), full);
        KeyValue a = store.create(p + "a", v("1"), 0);
        store.close();
        store = SqliteStore.open(dir.resolve("full.db"), full);
        assertEquals(a.modRevision(), store.get(p + "a").orElseThrow().modRevision());
    }

    @Test
    void leasesSurviveARestartWithTheirFullTtl() {
        long lease = store.grant(Duration.ofSeconds(30));
        store.create(p + "a", v("1"), lease);
        store = reopen(store);
        store.keepAlive(lease);
        assertEquals(lease, store.get(p + "a").orElseThrow().lease());
        store.revoke(lease);
        assertTrue(store.get(p + "a").isEmpty());
    }

    @Test
    void aFileHasOneOwnerAtATime() {
        StoreException e = assertThrows(StoreException.class, () -> SqliteStore.open(dir.resolve("store.db")));
        assertTrue(e.getMessage().contains("already open"), e.getMessage());
        store.close();
        store = open(); // released on close
        store.create(p + "a", v("1"), 0);
    }

    @Test
    void emptyKeysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> store.create("", v("1"), 0));
    }
}
