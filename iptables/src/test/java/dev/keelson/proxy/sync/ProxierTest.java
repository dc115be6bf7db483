package dev.keelson.proxy.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.proxy.DiffTestAccess;
import dev.keelson.proxy.Fixtures;
import dev.keelson.proxy.backend.Applied;
import dev.keelson.proxy.backend.BackendException;
import dev.keelson.proxy.backend.NftBackend;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sync loop over the real nftables backend. */
@KernelTest
class ProxierTest {
    private final Proxier proxier = new Proxier(NftBackend.open(), Fixtures.NODE,
            new Proxier.Options(Duration.ZERO, Duration.ZERO, false), null);

    @AfterEach
    void cleanUp() {
        proxier.flush();
        proxier.close();
    }

    @Test
    void aOneEndpointChangeSendsOnlyThatServicesCommands() {
        Snapshot s = Fixtures.snapshot();
        proxier.update(s);
        assertEquals("full", proxier.syncNow().kind());
        proxier.update(DiffTestAccess.withExtraWebEndpoint(s));
        Applied inc = proxier.syncNow();
        assertEquals("incremental", inc.kind());
        for (String line : inc.script().lines().toList()) {
            // web is flat: its endpoint-map elements (ClusterIP, externalIP, NodePort 30080) and one hairpin element.
            String others = line.replaceAll("(10\\.96\\.0\\.10|203\\.0\\.113\\.7) \\. tcp \\. 80 \\. \\d+|tcp \\. 30080 \\. \\d+", "");
            assertTrue(line.contains("hairpin4 { 10.244.4.4 . 10.244.4.4 }") || !others.matches(".*\\d+\\.\\d+\\.\\d+\\.\\d+ \\. (tcp|udp).*")
                    && line.contains("endpoints4 {"), "a command about another service: " + line);
        }
        assertTrue(inc.script().contains("10.96.0.10 . tcp . 80 . 5 : 10.244.4.4 . 8080"), inc.script());
        assertEquals(null, proxier.syncNow(), "an unchanged snapshot sends nothing");
        SyncMetrics m = proxier.metrics();
        assertEquals(3, m.syncs());
        assertEquals(1, m.fullSyncs());
        assertEquals("unchanged", m.lastKind());
        assertEquals(s.services().size(), m.services());
        assertTrue(Command.ok("nft", "list", "table", "inet", "keelson").contains("10.96.0.10 . tcp . 80 . 5 : 10.244.4.4 . 8080"));
    }

    @Test
    void aFailedSyncIsCountedAndTheNextOneIsFull() {
        Snapshot s = Fixtures.snapshot();
        proxier.update(s);
        proxier.syncNow();
        Command.ok("nft", "delete element inet keelson no-endpoint-services4 { 10.96.0.11 . udp . 53 }");
        proxier.update(DiffTestAccess.withExtraWebEndpoint(s).without(new ServiceRef("default", "empty")));
        assertThrows(BackendException.class, proxier::syncNow);
        SyncMetrics failed = proxier.metrics();
        assertEquals(1, failed.errors());
        assertNotNull(failed.lastError());
        assertFalse(Command.ok("nft", "list", "table", "inet", "keelson").contains("10.244.4.4"));
        Applied again = proxier.syncNow();
        assertEquals("full", again.kind());
        assertTrue(Command.ok("nft", "list", "table", "inet", "keelson").contains("10.96.0.10 . tcp . 80 . 5 : 10.244.4.4 . 8080"));
        assertEquals(null, proxier.metrics().lastError());
    }

    @Test
    void everySyncAndFailureReachesTheListenerInOrder() {
        List<SyncMetrics> seen = new ArrayList<>();
        proxier.onSync(seen::add);
        Snapshot s = Fixtures.snapshot();
        proxier.update(s);
        proxier.syncNow();
        proxier.update(DiffTestAccess.withExtraWebEndpoint(s));
        proxier.syncNow();
        Command.ok("nft", "delete element inet keelson no-endpoint-services4 { 10.96.0.11 . udp . 53 }");
        proxier.update(s.without(new ServiceRef("default", "empty")));
        assertThrows(BackendException.class, proxier::syncNow);
        proxier.syncNow();
        assertEquals(List.of("full", "incremental", "incremental", "full"),
                seen.stream().map(SyncMetrics::lastKind).toList(), "a failure leaves the last kind as it was");
        assertEquals(List.of(1L, 2L, 2L, 3L), seen.stream().map(SyncMetrics::syncs).toList());
        assertEquals(List.of(0L, 0L, 1L, 1L), seen.stream().map(SyncMetrics::errors).toList());
        assertNotNull(seen.get(2).lastError());
        assertEquals(null, seen.get(3).lastError());
    }

    @Test
    void theLoopCoalescesABurstOfUpdatesIntoFewSyncs() throws InterruptedException {
        try (Proxier loop = new Proxier(NftBackend.open(), Fixtures.NODE,
                new Proxier.Options(Duration.ofMillis(300), Duration.ZERO, false), null)) {
            Snapshot s = Fixtures.snapshot();
            loop.start();
            Snapshot last = s;
            for (int i = 0; i < 20; i++) {
                last = i % 2 == 0 ? DiffTestAccess.withExtraWebEndpoint(s) : s;
                loop.update(last);
                Thread.sleep(10);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!Compiler.compile(last, Fixtures.NODE).equals(loop.applied()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(Compiler.compile(last, Fixtures.NODE), loop.applied());
            long syncs = loop.metrics().syncs();
            assertTrue(syncs >= 1 && syncs <= 3, "20 updates in 200 ms at one sync per 300 ms: " + syncs + " syncs");
            loop.flush();
        }
    }

    @Test
    void aSecondChangeRightAfterASyncIsNotHeldForTheInterval() throws InterruptedException {
        // kube-proxy's bounded-frequency runner allows a burst of two: a Service and its
        // EndpointSlice created milliseconds apart are both programmed at once
        try (Proxier loop = new Proxier(NftBackend.open(), Fixtures.NODE,
                new Proxier.Options(Duration.ofSeconds(3), Duration.ZERO, false), null)) {
            Snapshot s = Fixtures.snapshot();
            loop.start();
            loop.update(s);
            awaitApplied(loop, s, Duration.ofSeconds(2));
            Snapshot next = DiffTestAccess.withExtraWebEndpoint(s);
            long t0 = System.nanoTime();
            loop.update(next);
            awaitApplied(loop, next, Duration.ofSeconds(2));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(1).toNanos(), "second sync waited for the interval");
            long t1 = System.nanoTime();
            loop.update(s);
            awaitApplied(loop, s, Duration.ofSeconds(5));
            assertTrue(System.nanoTime() - t1 > Duration.ofMillis(1500).toNanos(), "a third sync in the interval must wait");
            loop.flush();
        }
    }

    private static void awaitApplied(Proxier loop, Snapshot s, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!Compiler.compile(s, Fixtures.NODE).equals(loop.applied()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(Compiler.compile(s, Fixtures.NODE), loop.applied());
    }
}
