package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CLI as a user drives it, cross-checked with iproute2; messages and exit codes as ip's. */
@KernelTest
class NetnsCommandTest {

    record Result(int exit, String out, String err) {
    }

    static Result keelson(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(rc, out.toString(), err.toString());
    }

    @AfterEach
    void cleanUp() {
        for (String n : NetnsDirectory.system().list()) {
            NetnsDirectory.system().delete(n);
        }
    }

    @Test
    void addListDeleteRoundTripVisibleToIproute2() {
        assertEquals(0, keelson("netns", "add", "cli1").exit());
        assertTrue(Command.ok("ip", "netns", "list").contains("cli1"));
        Result list = keelson("netns", "list");
        assertEquals(0, list.exit());
        assertEquals("cli1\n", list.out());
        assertEquals("cli1\n", keelson("netns").out(), "no verb lists, like 'ip netns'");
        assertEquals(0, keelson("netns", "del", "cli1").exit());
        assertFalse(Command.ok("ip", "netns", "list").contains("cli1"));
    }

    @Test
    void listShowsNsidsLikeIp() {
        Command.ok("ip", "netns", "add", "withid");
        Command.ok("ip", "netns", "set", "withid", "7");
        assertEquals("withid (id: 7)\n", keelson("netns", "list").out());
    }

    @Test
    void addingAnExistingNameFailsWithIpsMessage() {
        keelson("netns", "add", "twice");
        Result r = keelson("netns", "add", "twice");
        assertEquals(1, r.exit());
        assertEquals("Cannot create namespace file \"/run/netns/twice\": File exists\n", r.err());
    }

    @Test
    void badNamesGetAClearMessageAndUsageExit() {
        Result r = keelson("netns", "add", "a/b");
        assertEquals(2, r.exit());
        assertEquals("Invalid netns name \"a/b\": it must not contain '/'\n", r.err());
        assertEquals(2, keelson("netns", "add", "").exit());
        assertEquals(List.of(), NetnsDirectory.system().list());
    }

    @Test
    void deletingAMissingNamespaceFailsWithIpsMessage() {
        Result r = keelson("netns", "delete", "nope");
        assertEquals(1, r.exit());
        assertEquals("Cannot remove namespace file \"/run/netns/nope\": No such file or directory\n", r.err());
        assertEquals(2, keelson("netns", "delete").exit());
    }

    @Test
    void deleteAllRemovesEveryPin() {
        keelson("netns", "add", "x1");
        keelson("netns", "add", "x2");
        assertEquals(0, keelson("netns", "delete", "--all").exit());
        assertEquals(List.of(), NetnsDirectory.system().list());
    }

    @Test
    void execRunsTheCommandInsideAndPassesItsExitStatusOn() {
        keelson("netns", "add", "ex");
        long inode;
        try (NetNamespace ns = NetNamespace.open("ex")) {
            inode = ns.inode();
        }
        String check = "test \"$(stat -L -c %i /proc/self/ns/net)\" = " + inode
                + " && test \"$(ls /sys/class/net)\" = lo";
        assertEquals(0, keelson("netns", "exec", "ex", "--", "sh", "-c", check).exit());
        assertEquals(7, keelson("netns", "exec", "ex", "--", "sh", "-c", "exit 7").exit());
        assertEquals(255, keelson("netns", "exec", "missing", "--", "true").exit());
        assertEquals(1, keelson("netns", "exec", "ex", "--", "/nonexistent/cmd").exit());
        Result none = keelson("netns", "exec", "ex");
        assertEquals(1, none.exit());
        assertEquals("No command specified\n", none.err());
    }

    @Test
    void withoutPrivilegeTheErrorIsOneLineNamingTheCapability() {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Command c = Command.run(List.of("setpriv", "--bounding-set=-all", "--inh-caps=-all", "--",
                java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "netns", "add", "noperm"));
        assertEquals(1, c.exit(), c.err());
        List<String> lines = c.err().lines().toList();
        assertEquals(1, lines.size(), c.err());
        assertTrue(lines.get(0).startsWith("keelson: "), c.err());
        assertTrue(lines.get(0).contains("CAP_SYS_ADMIN"), c.err());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, keelson("nosuchcommand").exit());
        assertEquals(0, keelson("--help").exit());
        Result bench = keelson("bench", "nosucharea");
        assertEquals(2, bench.exit());
        assertTrue(bench.err().contains("unknown benchmark area \"nosucharea\"; the areas are: netns"), bench.err());
        assertEquals(2, keelson("bench", "netns", "--chart").exit());
    }
}
