package dev.keelson.proxy.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.proxy.DiffTestAccess;
import dev.keelson.proxy.Fixtures;
import dev.keelson.proxy.LoadTimeProbe;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The iptables-restore backend, both tool variants, against the real kernel. */
@KernelTest
class IptablesBackendTest {

    /** The nat table as iptables-save prints it, without its "# Generated … on <time>" comment lines. */
    private static String nat(IptablesMode m) {
        return Command.ok(m.save(Family.V4), "-t", "nat").lines().filter(l -> !l.startsWith("#"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    @ParameterizedTest
    @EnumSource(IptablesMode.class)
    void fullAdoptsLeftoversThenPartialChangesOnlyOneService(IptablesMode mode) {
        IptablesBackend b = new IptablesBackend(mode, List.of(Family.V4, Family.V6));
        String ipt = mode.label();
        try {
            // Leftovers of an earlier run: a stale service chain and a jump that must not be duplicated.
            Command.ok(ipt, "-t", "nat", "-N", "KUBE-SVC-STALESTALESTALE1");
            Snapshot s = Fixtures.snapshot();
            CompiledState a = Compiler.compile(s, Fixtures.NODE);
            b.full(a);
            b.full(a);
            String nat = nat(mode);
            assertFalse(nat.contains("STALESTALE"), nat);
            assertEquals(1, nat.lines().filter(l -> l.equals("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES")).count(), nat);
            assertTrue(nat.contains("--to-destination 10.244.1.5:8080"), nat);
            assertTrue(Command.ok(mode.save(Family.V6), "-t", "nat").contains("--to-destination [fd00:244::20]:6379"));

            CompiledState c = Compiler.compile(DiffTestAccess.withExtraWebEndpoint(s).without(new ServiceRef("default", "empty")),
                    Fixtures.NODE);
            Applied inc = b.incremental(StateDiff.between(a, c), c);
            assertFalse(inc.script().contains("shop/lb"), inc.script());
            String after = nat(mode);
            assertTrue(after.contains("--to-destination 10.244.4.4:8080"), after);
            assertFalse(Command.ok(mode.save(Family.V4), "-t", "filter").contains("default/empty"));

            // A rule the next partial deletes by spec disappears behind our back: the restore is refused.
            String reject = Command.ok(mode.save(Family.V4), "-t", "filter").lines()
                    .filter(l -> l.contains("default/local-only")).findFirst().orElseThrow();
            Command.ok("sh", "-c", ipt + " -t filter " + reject.replaceFirst("^-A", "-D"));
            CompiledState d = Compiler.compile(DiffTestAccess.withExtraWebEndpoint(s)
                    .without(new ServiceRef("default", "empty")).without(new ServiceRef("default", "local-only")), Fixtures.NODE);
            String before = nat(mode);
            assertThrows(BackendException.class, () -> b.incremental(StateDiff.between(c, d), d));
            assertEquals(before, nat(mode), "a refused restore changes nothing");
            assertTrue(b.needsFullSync());
            b.full(d);
            assertFalse(nat(mode).contains("default/local-only"));
        } finally {
            b.flush();
            assertFalse(nat(mode).contains("KUBE-"), "flush leaves nothing");
        }
    }

    @ParameterizedTest
    @EnumSource(IptablesMode.class)
    void fullSyncKeepsOtherProgramsRulesChainsAndPolicies(IptablesMode mode) {
        IptablesBackend b = new IptablesBackend(mode, List.of(Family.V4));
        String ipt = mode.label();
        try {
            // Another program's rules in both tables the full sync empties and refills, before and after ours.
            Command.ok(ipt, "-t", "filter", "-N", "OTHER-FW");
            Command.ok(ipt, "-t", "filter", "-A", "OTHER-FW", "-s", "192.0.2.7/32", "-j", "DROP");
            Command.ok(ipt, "-t", "filter", "-A", "INPUT", "-j", "OTHER-FW");
            Command.ok(ipt, "-t", "filter", "-P", "FORWARD", "DROP");
            Command.ok(ipt, "-t", "nat", "-A", "POSTROUTING", "-s", "198.51.100.0/24", "-j", "MASQUERADE");
            Command.ok(ipt, "-t", "mangle", "-A", "PREROUTING", "-j", "MARK", "--set-mark", "7");
            CompiledState a = Compiler.compile(Fixtures.snapshot(), Fixtures.NODE);
            b.full(a);
            b.full(a);
            String filter = Command.ok(mode.save(Family.V4), "-t", "filter");
            assertTrue(filter.contains(":FORWARD DROP"), filter);
            assertTrue(filter.contains("-A OTHER-FW -s 192.0.2.7/32 -j DROP"), filter);
            List<String> input = filter.lines().filter(l -> l.startsWith("-A INPUT")).toList();
            assertEquals("-A INPUT -j OTHER-FW", input.getFirst(), filter);
            assertEquals(4, input.size(), filter);
            String nat = nat(mode);
            assertEquals(1, nat.lines().filter(l -> l.equals("-A POSTROUTING -s 198.51.100.0/24 -j MASQUERADE")).count(), nat);
            assertTrue(nat.contains("--to-destination 10.244.1.5:8080"), nat);
            assertTrue(Command.ok(mode.save(Family.V4), "-t", "mangle").contains("--set-xmark 0x7/0xffffffff"));
        } finally {
            b.flush();
            Command.ok(ipt, "-t", "filter", "-P", "FORWARD", "ACCEPT");
            Command.ok(ipt, "-t", "filter", "-D", "INPUT", "-j", "OTHER-FW");
            Command.ok(ipt, "-t", "filter", "-F", "OTHER-FW");
            Command.ok(ipt, "-t", "filter", "-X", "OTHER-FW");
            Command.ok(ipt, "-t", "nat", "-D", "POSTROUTING", "-s", "198.51.100.0/24", "-j", "MASQUERADE");
            Command.ok(ipt, "-t", "mangle", "-F", "PREROUTING");
        }
    }

    @ParameterizedTest
    @EnumSource(IptablesMode.class)
    void measuresAOneServiceChange(IptablesMode mode) {
        IptablesBackend b = new IptablesBackend(mode, List.of(Family.V4));
        try {
            int n = 1_000;
            Snapshot s = LoadTimeProbe.synthetic(n, 0);
            CompiledState a = Compiler.compile(s, NftCostProbe.NODE);
            Applied full = b.full(a);
            ServiceRef first = s.services().firstKey();
            CompiledState c = Compiler.compile(s.withSlices(first, SyntheticEdits.oneEndpointFewer(s.slicesOf(first))),
                    NftCostProbe.NODE);
            Applied inc = b.incremental(StateDiff.between(a, c), c);
            System.out.printf("%s N=%d: full %.0f ms; one-endpoint change %.1f ms (%d lines)%n",
                    mode.label(), n, full.millis(), inc.millis(), inc.lines());
            assertTrue(inc.lines() < 20, inc.script());
        } finally {
            b.flush();
        }
    }
}
