package dev.keelson.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.ipt.IptablesRenderer;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.proxy.nft.NftRenderer;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered scripts load into the kernel for real (the test JVM runs in its own network
 * namespace, so this is not the host's ruleset) and read back as expected.
 */
@KernelTest
class KernelLoadTest {
    @TempDir
    Path dir;

    private String run(String file, String text, String... argv) throws IOException {
        Path p = dir.resolve(file);
        Files.writeString(p, text);
        List<String> cmd = new java.util.ArrayList<>(List.of(argv));
        cmd.add(p.toString());
        Command c = Command.run(cmd);
        assertEquals(0, c.exit(), () -> String.join(" ", cmd) + ": " + c.err() + "\n" + text);
        return c.out();
    }

    @Test
    void nftFullThenIncrementalLoadsAndLists() throws IOException {
        Snapshot s = Fixtures.snapshot();
        CompiledState a = Compiler.compile(s, Fixtures.NODE);
        try {
            run("full.nft", NftRenderer.full(a), "nft", "-f");
            run("again.nft", NftRenderer.full(a), "nft", "-f"); // a full load replaces a previous table
            String listed = Command.ok("nft", "list", "table", "inet", "keelson");
            // web (ClusterIP, externalIP and NodePort, policy Cluster, 2 endpoints) is flat: map elements only.
            assertTrue(listed.contains("10.96.0.10 . tcp . 80 . 1 : 10.244.1.5 . 8080"), listed);
            assertTrue(listed.contains("tcp . 30080 . 2 : 10.244.2.6 . 8080"), listed);
            assertTrue(listed.contains("fd00:96::13 . tcp . 6379 . 0 : fd00:244::20 . 6379"), listed);
            CompiledState b = Compiler.compile(DiffTestAccess.withExtraWebEndpoint(s)
                    .without(new ServiceRef("default", "empty")), Fixtures.NODE);
            run("inc.nft", NftRenderer.incremental(StateDiff.between(a, b)), "nft", "-f");
            String after = Command.ok("nft", "list", "table", "inet", "keelson");
            assertTrue(after.contains("10.96.0.10 . tcp . 80 . 5 : 10.244.4.4 . 8080"), after);
            assertFalse(after.contains("10.96.0.11"), after);
            // The incremental result equals a fresh full load of the target state.
            Command.ok("nft", "delete", "table", "inet", "keelson");
            run("fullb.nft", NftRenderer.full(b), "nft", "-f");
            assertEquals(after, Command.ok("nft", "list", "table", "inet", "keelson"));
        } finally {
            Command.run("nft", "delete", "table", "inet", "keelson");
        }
    }

    @Test
    void iptablesFullThenPartialRestores() throws IOException {
        Snapshot s = Fixtures.snapshot();
        CompiledState a = Compiler.compile(s, Fixtures.NODE);
        CompiledState b = Compiler.compile(DiffTestAccess.withExtraWebEndpoint(s)
                .without(new ServiceRef("default", "empty")), Fixtures.NODE);
        try {
            run("full.ipt", IptablesRenderer.full(a, Family.V4), "iptables-restore", "--noflush");
            String nat = Command.ok("iptables-save", "-t", "nat");
            assertTrue(nat.contains("-j DNAT --to-destination 10.244.1.5:8080"), nat);
            run("part.ipt", IptablesRenderer.partial(StateDiff.between(a, b), b, Family.V4), "iptables-restore", "--noflush");
            String natAfter = Command.ok("iptables-save", "-t", "nat");
            assertTrue(natAfter.contains("--to-destination 10.244.4.4:8080"), natAfter);
            String filterAfter = Command.ok("iptables-save", "-t", "filter");
            assertFalse(filterAfter.contains("default/empty"), filterAfter);
            run("full6.ipt", IptablesRenderer.full(a, Family.V6), "ip6tables-restore", "--noflush");
            assertTrue(Command.ok("ip6tables-save", "-t", "nat").contains("--to-destination [fd00:244::20]:6379"));
        } finally {
            Command.run("iptables", "-t", "nat", "-F");
            Command.run("iptables", "-t", "nat", "-X");
            Command.run("iptables", "-F");
            Command.run("iptables", "-X");
            Command.run("ip6tables", "-t", "nat", "-F");
            Command.run("ip6tables", "-t", "nat", "-X");
            Command.run("ip6tables", "-F");
            Command.run("ip6tables", "-X");
        }
    }
}
