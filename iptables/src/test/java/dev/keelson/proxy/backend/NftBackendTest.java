package dev.keelson.proxy.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.netfilter.NfGenMsg;
import dev.keelson.linux.netfilter.NftBatch;
import dev.keelson.linux.nft.Nftables;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.proxy.DiffTestAccess;
import java.util.List;
import dev.keelson.proxy.Fixtures;
import dev.keelson.proxy.LoadTimeProbe;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.nft.AffinityRecord6;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-process nftables backend against the real kernel (the test JVM's private namespace). */
@KernelTest
class NftBackendTest {
    private final NftBackend backend = NftBackend.open();

    @AfterEach
    void cleanUp() {
        backend.flush();
        backend.close();
    }

    private static String listed() {
        return Command.ok("nft", "list", "table", "inet", "keelson");
    }

    @Test
    void fullLoadAdoptsAnEarlierTableAndIncrementalMatchesAFreshFullLoad() {
        // What an earlier (crashed) Keelson might have left: a table with a chain we no longer make.
        Command.ok("nft", "add table inet keelson; add chain inet keelson leftover-chain");
        Snapshot s = Fixtures.snapshot();
        CompiledState a = Compiler.compile(s, Fixtures.NODE);
        assertTrue(backend.needsFullSync());
        backend.full(a);
        assertFalse(backend.needsFullSync());
        String first = listed();
        assertFalse(first.contains("leftover-chain"), first);
        assertTrue(Command.ok("nft", "-j", "list", "table", "inet", "keelson").contains("\"10.244.1.5\""));

        CompiledState b = Compiler.compile(DiffTestAccess.withExtraWebEndpoint(s).without(new ServiceRef("default", "empty")),
                Fixtures.NODE);
        Applied inc = backend.incremental(StateDiff.between(a, b), b);
        assertEquals("incremental", inc.kind());
        String after = listed();
        assertTrue(after.contains("10.96.0.10 . tcp . 80 . 5 : 10.244.4.4 . 8080"), after);
        assertFalse(after.contains("10.96.0.11"), after);
        backend.full(b);
        assertEquals(after, listed());
    }

    @Test
    void ipv6AffinityRecordsAreWrittenOverNetlinkAndFollowTheTimeoutsInUse() {
        Snapshot s = Fixtures.snapshot();
        CompiledState none = Compiler.compile(s.without(new ServiceRef("default", "sticky")), Fixtures.NODE);
        CompiledState sticky = Compiler.compile(s, Fixtures.NODE);
        assertEquals(6, AffinityRecord6.rules(sticky.affinityTimes()).size(),
                "per protocol, one for addressed frontends and one for node ports (IPv6, 600 s)");
        backend.full(none);
        String before = listed();
        assertFalse(before.contains("affinity6-600"), before);

        Applied inc = backend.incremental(StateDiff.between(none, sticky), sticky);
        assertTrue(inc.script().contains("# netlink: add rule inet keelson affinity-record"), inc.script());
        // nft reads the netlink-built IPv6 rules back exactly as the IPv4 rules it built itself, in IPv6.
        List<String> record = Command.ok("nft", "list", "chain", "inet", "keelson", "affinity-record").lines()
                .map(String::strip).filter(l -> l.contains("update")).toList();
        List<String> v4 = record.stream().filter(l -> l.contains("@affinity4")).toList();
        List<String> v6 = record.stream().filter(l -> l.contains("@affinity6")).toList();
        assertEquals(6, v4.size(), record::toString);
        assertEquals(v4.stream().map(l -> l.replace("ip ", "ip6 ").replace("affinity4", "affinity6")
                .replace("nodeports4", "nodeports6").replace("frontends4", "frontends6")).toList(), v6);
        String incremental = listed();
        backend.flush();
        backend.full(sticky);
        assertEquals(incremental, listed(), "incremental and full loads must list the same");

        backend.incremental(StateDiff.between(sticky, none), none);
        assertEquals(before, listed(), "removing the last affinity service removes its rules and sets");
    }

    @Test
    void aNewTableIsBuiltDormantThenFilledAndWokenAndListsAsAOneTransactionLoad() {
        // 2,000 services: endpoints4 alone is ≈ 440 kB of elements, so several NEWSETELEM messages.
        for (CompiledState st : List.of(Compiler.compile(Fixtures.snapshot(), Fixtures.NODE),
                Compiler.compile(LoadTimeProbe.synthetic(2000, 3), Fixtures.NODE))) {
            backend.flush();
            Applied a = backend.full(st);
            assertTrue(a.script().contains("flags dormant") && a.script().contains("elements, netlink"), a.script());
            String twoStep = listed();
            assertFalse(twoStep.contains("dormant"), "the table must be awake");
            // The table exists now: one libnftables transaction, then the IPv6 affinity records over netlink.
            Applied again = backend.full(st);
            assertFalse(again.script().contains("flags dormant"), again.script());
            assertEquals(twoStep, listed(), "two-step load and one-transaction load must list the same");
        }
    }

    @Test
    void aRefusedTransactionLeavesThePreviousRulesAndRequiresAFullSync() {
        Snapshot s = Fixtures.snapshot();
        CompiledState a = Compiler.compile(s, Fixtures.NODE);
        backend.full(a);
        // Someone removes an element behind our back: the increment's "delete element" then fails (ENOENT).
        Command.ok("nft", "delete element inet keelson no-endpoint-services4 { 10.96.0.11 . udp . 53 }");
        String before = listed();
        CompiledState b = Compiler.compile(DiffTestAccess.withExtraWebEndpoint(s).without(new ServiceRef("default", "empty")),
                Fixtures.NODE);
        BackendException e = assertThrows(BackendException.class, () -> backend.incremental(StateDiff.between(a, b), b));
        assertTrue(e.getMessage().contains("No such file or directory") || e.getMessage().contains("ENOENT"), e.getMessage());
        assertEquals(before, listed(), "nothing of the refused transaction may be applied");
        assertTrue(backend.needsFullSync());
        assertThrows(IllegalStateException.class, () -> backend.incremental(StateDiff.between(a, b), b));
        backend.full(b);
        assertTrue(listed().contains("10.96.0.10 . tcp . 80 . 5 : 10.244.4.4 . 8080"));
    }

    @Test
    void flushRemovesTheTableAndIsIdempotent() {
        backend.full(Compiler.compile(Fixtures.snapshot(), Fixtures.NODE));
        backend.flush();
        backend.flush();
        assertFalse(Command.ok("nft", "list", "tables").contains("keelson"));
        assertEquals("", backend.show());
    }

    @Test
    void measuresFullLoadsAndAOneServiceChange() {
        for (int n : new int[]{1_000, 10_000}) {
            Snapshot s = LoadTimeProbe.synthetic(n, 0);
            CompiledState a = Compiler.compile(s, NftCostProbe.NODE);
            Applied full = backend.full(a);
            ServiceRef first = s.services().firstKey();
            Snapshot s2 = s.withSlices(first, SyntheticEdits.oneEndpointFewer(s.slicesOf(first)));
            CompiledState b = Compiler.compile(s2, NftCostProbe.NODE);
            StateDiff d = StateDiff.between(a, b);
            Applied inc = backend.incremental(d, b);
            Applied back = backend.incremental(StateDiff.between(b, a), a);
            System.out.printf("nft in-process N=%d: full %.0f ms; one-endpoint change %.1f ms and %.1f ms (%d lines)%n",
                    n, full.millis(), inc.millis(), back.millis(), inc.lines());
            assertTrue(inc.lines() < 10, inc.script());
            netlinkElementPrototype(n, a);
        }
    }

    /** One verdict-map element written as a raw nf_tables batch, timed against the same change through libnftables. */
    private void netlinkElementPrototype(int n, CompiledState a) {
        // Synthetic services are flat (no chain of their own): a goto to a fixed chain costs the same validation.
        String svc = "reject-service";
        byte[] key = NftBatch.concat(InetAddresses.parse("10.99.0.1").getAddress(), new byte[]{6}, new byte[]{0, 80});
        long best = Long.MAX_VALUE;
        long bestLib = Long.MAX_VALUE;
        try (NftBatch batch = NftBatch.open(NfGenMsg.NFPROTO_INET, "keelson");
             Nftables lib = Nftables.open()) {
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                batch.begin().elements(true, "service-ips4", List.of(new NftBatch.Element(key, NftBatch.Verdict.goTo(svc)))).commit();
                best = Math.min(best, System.nanoTime() - t0);
                if (i == 0) {
                    assertTrue(listed().contains("10.99.0.1 . tcp . 80 : goto " + svc), "the kernel lists the element");
                }
                batch.begin().elements(false, "service-ips4", List.of(new NftBatch.Element(key, null))).commit();
                t0 = System.nanoTime();
                lib.run("add element inet keelson service-ips4 { 10.99.0.1 . tcp . 80 : goto " + svc + " }");
                bestLib = Math.min(bestLib, System.nanoTime() - t0);
                lib.run("delete element inet keelson service-ips4 { 10.99.0.1 . tcp . 80 }");
            }
        }
        System.out.printf("  N=%d one map element: netlink batch %.3f ms, libnftables %.3f ms (best of 5)%n",
                n, best / 1e6, bestLib / 1e6);
    }
}
