package dev.keelson.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.linux.NotFoundException;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Namespaces in /run/netns (a tmpfs private to the test JVM), cross-checked with iproute2 and /proc. */
@KernelTest
class NetNamespaceTest {
    private static final NetnsDirectory RUN = NetnsDirectory.system();

    @AfterEach
    void cleanUp() {
        TestNetns.deleteAll();
    }

    static long inodeOf(String path) {
        return Long.parseLong(Command.ok("stat", "-L", "-c", "%i", path).strip());
    }

    static long currentThreadNetns() throws Exception {
        return (long) Files.getAttribute(Path.of("/proc/thread-self/ns/net"), "unix:ino");
    }

    @Test
    void createPinsANamespaceThatIproute2SeesAndUses() {
        try (NetNamespace ns = NetNamespace.create("blue")) {
            assertEquals(Path.of("/run/netns/blue"), ns.path());
            assertEquals("blue", ns.name());
            assertTrue(Command.ok("ip", "netns", "list").lines().anyMatch(l -> l.startsWith("blue")));
            assertEquals(ns.inode(), inodeOf("/run/netns/blue"));
            // a fresh namespace has lo only, and lo is down, exactly as after `ip netns add`
            String links = Command.ok("ip", "-n", "blue", "-j", "link");
            assertTrue(links.contains("\"ifname\":\"lo\""), links);
            assertTrue(links.contains("\"operstate\":\"DOWN\""), links);
            assertEquals(1, links.split("\"ifindex\"").length - 1, links);
            // and `ip netns exec` enters it
            assertEquals(String.valueOf(ns.inode()),
                    Command.ok("ip", "netns", "exec", "blue", "stat", "-L", "-c", "%i", "/proc/self/ns/net").strip());
        }
    }

    @Test
    void namespacesMadeByIproute2OpenAndRun() throws Exception {
        Command.ok("ip", "netns", "add", "green");
        Command.ok("ip", "-n", "green", "link", "set", "lo", "up");
        try (NetNamespace ns = NetNamespace.open("green")) {
            assertEquals(inodeOf("/run/netns/green"), ns.inode());
            assertEquals(ns.inode(), ns.run(NetNamespaceTest::currentThreadNetns));
        }
    }

    @Test
    void runExecutesInsideAndLeavesTheCallerWhereItWas() throws Exception {
        long before = currentThreadNetns();
        try (NetNamespace ns = NetNamespace.create("red")) {
            long inside = ns.run(NetNamespaceTest::currentThreadNetns);
            assertEquals(ns.inode(), inside);
            assertNotEquals(before, inside);
            assertEquals(before, currentThreadNetns());
            // a pool thread is home again between tasks
            try (NetNamespace home = NetNamespace.home()) {
                assertEquals(home.inode(), home.run(NetNamespaceTest::currentThreadNetns));
            }
        }
    }

    @Test
    void runRethrowsTheTasksCheckedException() {
        try (NetNamespace ns = NetNamespace.create("thrower")) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> ns.run(() -> {
                throw new java.io.IOException("boom");
            }));
            assertEquals("boom", e.getMessage());
        }
    }

    @Test
    void deleteUnpinsAndIsIdempotent() {
        NetNamespace ns = NetNamespace.create("gone");
        ns.delete();
        assertFalse(Files.exists(Path.of("/run/netns/gone")));
        assertFalse(Command.ok("ip", "netns", "list").contains("gone"));
        ns.delete();
        assertFalse(RUN.delete("gone"));
        assertFalse(RUN.delete("never-existed"));
    }

    @Test
    void deletingAPinWhileSomeoneHoldsItKeepsTheNamespaceAliveForThem() throws Exception {
        NetNamespace pinned = NetNamespace.create("held");
        try (NetNamespace holder = NetNamespace.open(pinned.path())) {
            pinned.delete();
            assertEquals(holder.inode(), holder.run(NetNamespaceTest::currentThreadNetns));
        }
    }

    @Test
    void createOfAnExistingNameFailsAndLeavesTheExistingOneAlone() {
        try (NetNamespace first = NetNamespace.create("dup")) {
            AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> NetNamespace.create("dup"));
            assertTrue(e.getMessage().contains("network namespace \"dup\" already exists"), e.getMessage());
            assertEquals(first.inode(), inodeOf("/run/netns/dup"));
        }
    }

    @Test
    void openOfAMissingNamespaceNamesThePath() {
        NotFoundException e = assertThrows(NotFoundException.class, () -> NetNamespace.open("absent"));
        assertTrue(e.getMessage().contains("\"/run/netns/absent\""), e.getMessage());
        assertThrows(NotFoundException.class, () -> NetNamespace.open(Path.of("/proc/999999999/ns/net")));
    }

    @Test
    void openOfAFileThatIsNotANetworkNamespaceIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetNamespace.open(Path.of("/proc/self/ns/uts")));
        assertEquals("\"/proc/self/ns/uts\" is not a network namespace", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NetNamespace.open(Path.of("/etc/hostname")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "/abs", "nul\0byte"})
    void badNamesAreRejectedBeforeTouchingTheKernel(String name) {
        InvalidNameException e = assertThrows(InvalidNameException.class, () -> NetNamespace.create(name));
        assertTrue(e.getMessage().startsWith("invalid network namespace name"), e.getMessage());
        assertEquals(List.of(), RUN.list());
    }

    @Test
    void tooLongNamesAreRejected() {
        String longName = "n".repeat(255);
        InvalidNameException e = assertThrows(InvalidNameException.class, () -> NetNamespace.create(longName));
        assertTrue(e.getMessage().contains("the limit is 254"), e.getMessage());
        try (NetNamespace ok = NetNamespace.create("n".repeat(254))) {
            assertEquals(254, ok.name().length());
        }
    }

    @Test
    void aCustomRootKeepsItsPinsApart(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        NetnsDirectory dir = NetnsDirectory.of(tmp.resolve("pins"));
        try (NetNamespace ns = dir.create("x", true)) {
            assertEquals(List.of("x"), dir.list());
            assertFalse(RUN.exists("x"));
            // loopback was brought up inside
            String lo = Command.ok("nsenter", "--net=" + ns.path(), "ip", "-j", "link", "show", "lo");
            assertTrue(lo.contains("\"UP\""), lo);
            assertTrue(dir.delete("x"));
        }
        assertEquals(List.of(), dir.list());
        dir.destroy();
        assertFalse(Files.exists(tmp.resolve("pins")), "destroy removes the directory and its bind mount");
    }

    @Test
    void theSharedDirectoryCannotBeDestroyed() {
        assertThrows(IllegalStateException.class, RUN::destroy);
    }

    @Test
    void currentIsTheCallersNamespace() throws Exception {
        try (NetNamespace cur = NetNamespace.current()) {
            assertEquals(currentThreadNetns(), cur.inode());
            assertEquals(null, cur.path());
        }
    }
}
