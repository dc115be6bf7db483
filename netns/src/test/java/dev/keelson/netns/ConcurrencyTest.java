package dev.keelson.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.Libc;
import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@KernelTest
class ConcurrencyTest {
    private static final NetnsDirectory RUN = NetnsDirectory.system();

    @AfterEach
    void cleanUp() {
        TestNetns.deleteAll();
    }

    static long threadNetns() throws Exception {
        return (long) Files.getAttribute(Path.of("/proc/thread-self/ns/net"), "unix:ino");
    }

    /**
     * Many virtual and platform threads create namespaces and run work in them at once: every
     * namespace is distinct, every task sees its own, and no caller thread ever moves.
     */
    @Test
    void concurrentCreatesAndRunsNeverLeakAThreadIntoTheWrongNamespace() throws Exception {
        long home = threadNetns();
        int n = 64;
        Set<String> wrong = ConcurrentHashMap.newKeySet();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> created = new ArrayList<>();
        try (ExecutorService virt = Executors.newVirtualThreadPerTaskExecutor();
             ExecutorService plat = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < n; i++) {
                String name = "c" + i;
                ExecutorService ex = i % 2 == 0 ? virt : plat;
                created.add(ex.submit(() -> {
                    go.await();
                    try (NetNamespace ns = NetNamespace.create(name)) {
                        for (int k = 0; k < 5; k++) {
                            long inside = ns.run(ConcurrencyTest::threadNetns);
                            if (inside != ns.inode()) {
                                wrong.add(name + " ran in " + inside);
                            }
                            if (threadNetns() != home) {
                                wrong.add(name + ": the caller moved");
                            }
                        }
                        return ns.inode();
                    }
                }));
            }
            go.countDown();
            Set<Long> inodes = new HashSet<>();
            for (Future<Long> f : created) {
                inodes.add(f.get());
            }
            assertEquals(n, inodes.size(), "every namespace is a different one");
        }
        assertEquals(Set.of(), wrong);
        assertEquals(n, RUN.list().size());
        // every namespace thread went home afterwards
        try (NetNamespace h = NetNamespace.home(); ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> back = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                back.add(ex.submit(() -> h.run(ConcurrencyTest::threadNetns)));
            }
            for (Future<Long> f : back) {
                assertEquals(home, f.get());
            }
        }
    }

    /**
     * A task that leaves its thread unable to switch back (here: it drops CAP_SYS_ADMIN from its own
     * thread, so setns home fails with EPERM) gets its result delivered, and the thread is retired:
     * the next task runs on a healthy thread, at home.
     */
    @Test
    void aThreadThatCannotSwitchBackIsRetired() throws Exception {
        long capSysAdmin = 1L << 21;
        try (NetNamespace ns = NetNamespace.create("strand"); NetNamespace home = NetNamespace.home()) {
            String stranded = ns.run(() -> {
                Libc.setEffectiveCapabilities(Libc.effectiveCapabilities() & ~capSysAdmin);
                return Thread.currentThread().getName();
            });
            for (int i = 0; i < 20; i++) {
                String[] name = new String[1];
                long where = home.run(() -> {
                    name[0] = Thread.currentThread().getName();
                    return threadNetns();
                });
                assertEquals(home.inode(), where);
                assertTrue(!name[0].equals(stranded), "the stranded thread " + stranded + " ran another task");
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(stranded))) {
                assertTrue(System.nanoTime() < deadline, "the stranded thread " + stranded + " is still alive");
                Thread.sleep(10);
            }
        }
    }
}
