package dev.keelson.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@KernelTest
class NetnsPoolTest {

    @Test
    void takenNamespacesArePinnedWithLoopbackUpAndThePoolRefills(@TempDir Path tmp) throws Exception {
        NetnsDirectory dir = NetnsDirectory.of(tmp.resolve("pool"));
        List<NetNamespace> taken = new ArrayList<>();
        try (NetnsPool pool = new NetnsPool(dir, "keelson-", 4).start()) {
            assertTrue(pool.awaitFull(30, TimeUnit.SECONDS));
            assertEquals(4, pool.available());
            for (int i = 0; i < 6; i++) {       // more than the pool holds: the rest are made on the spot
                taken.add(pool.take());
            }
            Set<Long> inodes = new HashSet<>();
            for (NetNamespace ns : taken) {
                assertTrue(ns.name().matches("keelson-[0-9a-f]{16}"), ns.name());
                inodes.add(ns.inode());
                String lo = Command.ok("nsenter", "--net=" + ns.path(), "ip", "-j", "link", "show", "lo");
                assertTrue(lo.contains("\"UP\""), lo);
            }
            assertEquals(6, inodes.size());
            assertTrue(pool.awaitFull(30, TimeUnit.SECONDS), "the pool refills after takes");
            assertEquals(10, dir.list().size());
        }
        // closing deletes what the pool still held; taken namespaces are the taker's
        assertEquals(6, dir.list().size());
        for (NetNamespace ns : taken) {
            assertTrue(dir.exists(ns.name()));
            ns.delete();
        }
        assertEquals(List.of(), dir.list());
        dir.destroy();
    }

    @Test
    void aClosedPoolRefusesTakes(@TempDir Path tmp) {
        NetnsDirectory dir = NetnsDirectory.of(tmp.resolve("closed"));
        NetnsPool pool = new NetnsPool(dir, "p-", 1).start();
        pool.close();
        assertThrows(IllegalStateException.class, pool::take);
        assertEquals(List.of(), dir.list());
        dir.destroy();
    }

    @Test
    void negativeSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new NetnsPool(NetnsDirectory.system(), "x", -1));
    }
}
