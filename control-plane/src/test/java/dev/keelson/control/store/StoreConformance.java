package dev.keelson.control.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Store} contract, run against every implementation (the embedded SQLite store and a real
 * etcd). Each test works under a prefix of its own, so implementations whose data outlives a test
 * (etcd) need no cleanup between tests.
 */
abstract class StoreConformance {
    private static final AtomicInteger SEQ = new AtomicInteger();
    static final Duration WAIT = Duration.ofSeconds(20);

    protected Store store;
    /** This test's own key prefix. */
    protected String p;

    /** A store for one test. */
    protected abstract Store open();

    /** Closes {@code s} and opens the same data again (a restart). */
    protected abstract Store reopen(Store s);

    @BeforeEach
    void openStore() {
        store = open();
        p = "/t" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet() + "/";
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    // ---- writes and reads ----

    @Test
    void createAssignsTheNextRevisionAndGetReturnsIt() {
        long before = store.revision();
        KeyValue kv = store.create(p + "a", v("1"), 0);
        assertTrue(kv.modRevision() > before, "a write moves the revision forward");
        assertEquals(kv.modRevision(), kv.createRevision());
        assertEquals(kv.modRevision(), store.revision());
        KeyValue got = store.get(p + "a").orElseThrow();
        assertEquals("1", s(got.value()));
        assertEquals(kv.modRevision(), got.modRevision());
        assertEquals(kv.createRevision(), got.createRevision());
        assertTrue(store.get(p + "missing").isEmpty());
    }

    @Test
    void createOfAnExistingKeyFailsAndChangesNothing() {
        KeyValue first = store.create(p + "a", v("1"), 0);
        assertThrows(KeyExistsException.class, () -> store.create(p + "a", v("2"), 0));
        assertEquals("1", s(store.get(p + "a").orElseThrow().value()));
        assertEquals(first.modRevision(), store.revision(), "a refused create takes no revision");
    }

    @Test
    void updateKeepsTheCreateRevisionAndMovesTheModRevision() {
        KeyValue a = store.create(p + "a", v("1"), 0);
        KeyValue b = store.update(p + "a", v("2"), a.modRevision(), 0);
        assertEquals(a.createRevision(), b.createRevision());
        assertTrue(b.modRevision() > a.modRevision());
        KeyValue c = store.update(p + "a", v("3"), 0, 0);
        assertEquals("3", s(store.get(p + "a").orElseThrow().value()));
        assertEquals(c.modRevision(), store.get(p + "a").orElseThrow().modRevision());
    }

    @Test
    void updateWithAStaleRevisionConflictsAndCarriesTheCurrentValue() {
        KeyValue a = store.create(p + "a", v("1"), 0);
        KeyValue b = store.update(p + "a", v("2"), a.modRevision(), 0);
        ConflictException e = assertThrows(ConflictException.class, () -> store.update(p + "a", v("3"), a.modRevision(), 0));
        assertNotNull(e.current());
        assertEquals(b.modRevision(), e.current().modRevision());
        assertEquals("2", s(e.current().value()));
        assertEquals("2", s(store.get(p + "a").orElseThrow().value()));
    }

    @Test
    void updateOfAMissingKeyIsNotFoundWhateverTheGuard() {
        assertThrows(KeyNotFoundException.class, () -> store.update(p + "none", v("x"), 0, 0));
        assertThrows(KeyNotFoundException.class, () -> store.update(p + "none", v("x"), 12345, 0));
        assertTrue(store.get(p + "none").isEmpty());
    }

    @Test
    void deleteReturnsThePreviousValueAndIsGuarded() {
        KeyValue a = store.create(p + "a", v("1"), 0);
        KeyValue b = store.update(p + "a", v("2"), 0, 0);
        ConflictException e = assertThrows(ConflictException.class, () -> store.delete(p + "a", a.modRevision()));
        assertEquals(b.modRevision(), e.current().modRevision());
        Deleted d = store.delete(p + "a", b.modRevision());
        assertEquals("2", s(d.previous().value()));
        assertEquals(b.modRevision(), d.previous().modRevision());
        assertEquals(store.revision(), d.revision());
        assertTrue(d.revision() > b.modRevision());
        assertTrue(store.get(p + "a").isEmpty());
        assertThrows(KeyNotFoundException.class, () -> store.delete(p + "a", 0));
        KeyValue again = store.create(p + "a", v("3"), 0);
        assertEquals(again.modRevision(), again.createRevision(), "a re-created key starts a new life");
    }

    @Test
    void rangeReadsThePrefixInKeyOrderAndNothingBeside() {
        store.create(p + "b", v("b"), 0);
        store.create(p + "a", v("a"), 0);
        store.create(p + "a/x", v("ax"), 0);
        store.create(p.substring(0, p.length() - 1) + "0", v("outside"), 0); // "/tN0" sorts right after the prefix
        RangeResult r = store.range(p, null, 0, 0);
        assertEquals(List.of(p + "a", p + "a/x", p + "b"), r.items().stream().map(KeyValue::key).toList());
        assertFalse(r.more());
        assertEquals(0, r.remaining());
        assertEquals(store.revision(), r.revision());
        assertEquals(3, store.count(p));
        assertEquals(2, store.count(p + "a"));
        store.delete(p.substring(0, p.length() - 1) + "0", 0);
    }

    @Test
    void rangeAtAPastRevisionSeesTheValuesOfThatRevision() {
        store.create(p + "a", v("a1"), 0);
        store.create(p + "b", v("b1"), 0);
        long then = store.revision();
        store.update(p + "a", v("a2"), 0, 0);
        store.delete(p + "b", 0);
        store.create(p + "c", v("c1"), 0);
        RangeResult past = store.range(p, null, 0, then);
        assertEquals(then, past.revision());
        assertEquals(List.of("a1", "b1"), past.items().stream().map(kv -> s(kv.value())).toList());
        RangeResult now = store.range(p, null, 0, 0);
        assertEquals(List.of("a2", "c1"), now.items().stream().map(kv -> s(kv.value())).toList());
        RangeResult pastPage = store.range(p, null, 1, then);
        assertEquals(List.of(p + "a"), pastPage.items().stream().map(KeyValue::key).toList());
        assertTrue(pastPage.more());
        assertEquals(1, pastPage.remaining());
    }

    @Test
    void rangePagesWithLimitAndStartAfterCountingWhatRemains() {
        for (int i = 0; i < 10; i++) {
            store.create(p + "k" + i, v("v" + i), 0);
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        List<Long> remaining = new ArrayList<>();
        long rev = store.revision();
        while (true) {
            RangeResult r = store.range(p, after, 3, rev);
            r.items().forEach(kv -> seen.add(kv.key()));
            remaining.add(r.remaining());
            if (!r.more()) {
                break;
            }
            after = r.items().get(r.items().size() - 1).key();
        }
        List<String> want = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            want.add(p + "k" + i);
        }
        assertEquals(want, seen);
        assertEquals(List.of(7L, 4L, 1L, 0L), remaining);
        // startAfter before the prefix starts at the prefix
        assertEquals(10, store.range(p, "/", 0, 0).items().size());
        // a key exactly equal to startAfter is excluded
        assertEquals(p + "k5", store.range(p, p + "k4", 1, 0).items().get(0).key());
    }

    @Test
    void rangeRejectsFutureAndCompactedRevisions() {
        store.create(p + "a", v("1"), 0);
        long r1 = store.revision();
        store.update(p + "a", v("2"), 0, 0);
        long r2 = store.revision();
        store.update(p + "a", v("3"), 0, 0);
        assertThrows(FutureRevisionException.class, () -> store.range(p, null, 0, store.revision() + 1000));
        store.compact(r2);
        assertEquals(r2, store.compactedRevision());
        CompactedException e = assertThrows(CompactedException.class, () -> store.range(p, null, 0, r1));
        assertTrue(e.getMessage().contains(String.valueOf(r1)));
        assertEquals("2", s(store.range(p, null, 0, r2).items().get(0).value()), "the compaction revision stays readable");
        assertEquals("3", s(store.get(p + "a").orElseThrow().value()));
        store.compact(r1); // older than the compaction: nothing to do
        assertEquals(r2, store.compactedRevision());
        assertThrows(FutureRevisionException.class, () -> store.compact(store.revision() + 1000));
    }

    @Test
    void compactionKeepsLiveKeysAndDropsDeletedOnes() {
        store.create(p + "keep", v("k"), 0);
        store.create(p + "gone", v("g"), 0);
        store.delete(p + "gone", 0);
        long r = store.revision();
        store.compact(r);
        RangeResult at = store.range(p, null, 0, r);
        assertEquals(List.of(p + "keep"), at.items().stream().map(KeyValue::key).toList());
        assertEquals("k", s(store.get(p + "keep").orElseThrow().value()));
    }

    @Test
    void compactionKeepsWhatEachKeyHeldAtTheCompactionRevision() {
        store.create(p + "a", v("a1"), 0);
        store.create(p + "b", v("b1"), 0);
        long r = store.revision();
        store.update(p + "a", v("a2"), 0, 0);
        store.compact(r);
        assertEquals(List.of("a1", "b1"), store.range(p, null, 0, r).items().stream().map(kv -> s(kv.value())).toList());
        Recorder rec = new Recorder();
        try (Watch _ = store.watch(p, r, rec)) {
            WatchEvent e = rec.await(1, WAIT).get(0);
            assertEquals("a2", s(e.kv().value()));
            assertEquals("a1", s(e.previous().value()));
        }
    }

    // ---- watches ----

    @Test
    void watchSeesEveryRevisionOnceInOrderUnderConcurrentWriters() throws Exception {
        int threads = 8;
        int writes = 200;
        long start = store.revision();
        Recorder rec = new Recorder();
        List<Long> written = Collections.synchronizedList(new ArrayList<>());
        try (Watch _ = store.watch(p, start, rec); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    String key = p + "w" + id;
                    KeyValue kv = store.create(key, v("0"), 0);
                    written.add(kv.modRevision());
                    for (int i = 1; i < writes; i++) {
                        kv = store.update(key, v(String.valueOf(i)), kv.modRevision(), 0);
                        written.add(kv.modRevision());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            List<WatchEvent> events = rec.await(threads * writes, WAIT);
            assertEquals(threads * writes, events.size());
            long prev = start;
            for (WatchEvent e : events) {
                assertTrue(e.revision() > prev, "revisions strictly increase: " + prev + " then " + e.revision());
                prev = e.revision();
            }
            List<Long> sorted = new ArrayList<>(written);
            Collections.sort(sorted);
            assertEquals(sorted, events.stream().map(WatchEvent::revision).toList(), "every write seen exactly once");
            // each update's previous value is the write before it on the same key
            for (WatchEvent e : events) {
                int n = Integer.parseInt(s(e.kv().value()));
                if (n == 0) {
                    assertTrue(e.created());
                } else {
                    assertEquals(String.valueOf(n - 1), s(e.previous().value()));
                }
            }
            assertNull(rec.error());
        }
    }

    @Test
    void watchFromAPastRevisionReplaysThenFollowsLiveWrites() {
        KeyValue a = store.create(p + "a", v("1"), 0);
        store.update(p + "a", v("2"), 0, 0);
        store.create(p + "b", v("b"), 0);
        store.create("/other" + p, v("not mine"), 0);
        Recorder rec = new Recorder();
        try (Watch _ = store.watch(p, a.modRevision(), rec)) {
            List<WatchEvent> replayed = rec.await(2, WAIT);
            assertEquals(WatchEvent.Type.PUT, replayed.get(0).type());
            assertEquals("2", s(replayed.get(0).kv().value()));
            assertEquals("1", s(replayed.get(0).previous().value()));
            assertEquals(p + "b", replayed.get(1).kv().key());
            assertTrue(replayed.get(1).created());
            Deleted d = store.delete(p + "a", 0);
            List<WatchEvent> all = rec.await(3, WAIT);
            WatchEvent del = all.get(2);
            assertEquals(WatchEvent.Type.DELETE, del.type());
            assertEquals(p + "a", del.kv().key());
            assertNull(del.kv().value());
            assertEquals(d.revision(), del.revision());
            assertEquals("2", s(del.previous().value()));
        }
        store.delete("/other" + p, 0);
    }

    @Test
    void watchFromNowSeesOnlyLaterWrites() throws Exception {
        store.create(p + "old", v("x"), 0);
        Recorder rec = new Recorder();
        try (Watch _ = store.watch(p, 0, rec)) {
            KeyValue n = store.create(p + "new", v("y"), 0);
            List<WatchEvent> e = rec.await(1, WAIT);
            Thread.sleep(200);
            assertEquals(1, rec.events().size());
            assertEquals(n.modRevision(), e.get(0).revision());
        }
    }

    @Test
    void aClosedWatchDeliversNothingMore() throws Exception {
        Recorder rec = new Recorder();
        Watch w = store.watch(p, 0, rec);
        store.create(p + "a", v("1"), 0);
        rec.await(1, WAIT);
        w.close();
        w.close(); // idempotent
        store.create(p + "b", v("2"), 0);
        Thread.sleep(300);
        assertEquals(1, rec.events().size());
    }

    @Test
    void watchFromACompactedRevisionFails() {
        long r0 = store.create(p + "a", v("1"), 0).modRevision();
        store.update(p + "a", v("2"), 0, 0);
        store.update(p + "a", v("3"), 0, 0);
        long r = store.revision();
        store.compact(r);
        CompactedException e = assertThrows(CompactedException.class, () -> store.watch(p, r0, new Recorder()));
        assertEquals(r, e.compactedRevision());
        Recorder rec = new Recorder();
        try (Watch _ = store.watch(p, r, rec)) {
            store.update(p + "a", v("4"), 0, 0);
            WatchEvent ev = rec.await(1, WAIT).get(0);
            assertEquals("4", s(ev.kv().value()));
            assertEquals("3", s(ev.previous().value()), "the value at the compaction revision is still there");
        }
    }

    // ---- leases ----

    @Test
    void anExpiredLeaseDeletesItsKeysWithDeleteEvents() {
        long lease = store.grant(Duration.ofSeconds(1));
        store.create(p + "a", v("1"), lease);
        KeyValue b = store.create(p + "b", v("2"), 0);
        KeyValue c = store.create(p + "c", v("3"), 0);
        store.update(p + "c", v("4"), c.modRevision(), lease);
        assertEquals(lease, store.get(p + "a").orElseThrow().lease());
        Recorder rec = new Recorder();
        try (Watch _ = store.watch(p, store.revision(), rec)) {
            List<WatchEvent> events = rec.await(2, Duration.ofSeconds(30));
            assertEquals(List.of(WatchEvent.Type.DELETE, WatchEvent.Type.DELETE), events.stream().map(WatchEvent::type).toList());
            assertEquals(List.of(p + "a", p + "c"), events.stream().map(e -> e.kv().key()).sorted().toList());
            assertTrue(store.get(p + "a").isEmpty());
            assertTrue(store.get(p + "c").isEmpty());
            assertEquals(b.modRevision(), store.get(p + "b").orElseThrow().modRevision(), "keys without the lease stay");
            assertThrows(KeyNotFoundException.class, () -> store.keepAlive(lease));
        }
    }

    @Test
    void revokeDeletesTheLeasesKeysNow() {
        long lease = store.grant(Duration.ofSeconds(60));
        store.create(p + "a", v("1"), lease);
        store.create(p + "b", v("2"), lease);
        long before = store.revision();
        Recorder rec = new Recorder();
        try (Watch _ = store.watch(p, before, rec)) {
            store.revoke(lease);
            assertEquals(0, store.count(p));
            List<WatchEvent> events = rec.await(2, WAIT);
            assertTrue(events.stream().allMatch(e -> e.type() == WatchEvent.Type.DELETE && e.revision() > before));
            assertEquals(List.of("1", "2"), events.stream().map(e -> s(e.previous().value())).sorted().toList());
        }
        assertThrows(KeyNotFoundException.class, () -> store.revoke(lease));
        assertThrows(KeyNotFoundException.class, () -> store.keepAlive(lease));
        assertThrows(KeyNotFoundException.class, () -> store.create(p + "c", v("3"), lease));
        assertTrue(store.get(p + "c").isEmpty());
    }

    @Test
    void keepAliveHoldsALeaseBeyondItsTtl() throws Exception {
        long lease = store.grant(Duration.ofSeconds(2));
        store.create(p + "a", v("1"), lease);
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
            store.keepAlive(lease);
            Thread.sleep(400);
        }
        assertTrue(store.get(p + "a").isPresent(), "kept alive for 2.5 TTLs");
        store.revoke(lease);
        assertTrue(store.get(p + "a").isEmpty());
    }

    // ---- restart ----

    @Test
    void aRestartKeepsDataRevisionAndHistory() {
        KeyValue a = store.create(p + "a", v("1"), 0);
        store.update(p + "a", v("2"), 0, 0);
        store.create(p + "b", v("b"), 0);
        long rev = store.revision();
        store = reopen(store);
        assertEquals(rev, store.revision());
        assertEquals("2", s(store.get(p + "a").orElseThrow().value()));
        assertEquals(a.createRevision(), store.get(p + "a").orElseThrow().createRevision());
        KeyValue c = store.create(p + "c", v("c"), 0);
        assertTrue(c.modRevision() > rev, "the revision continues after a restart");
        Recorder rec = new Recorder();
        try (Watch _ = store.watch(p, a.modRevision(), rec)) {
            List<WatchEvent> events = rec.await(3, WAIT);
            assertEquals(List.of("2", "b", "c"), events.stream().map(e -> s(e.kv().value())).toList());
            assertArrayEquals(v("1"), events.get(0).previous().value());
        }
    }
}
