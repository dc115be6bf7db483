package dev.keelson.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LibcTest {

    @Test
    void failedCallNamesCallObjectSymbolAndText() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> Libc.open("/nonexistent/keelson", Flags.O_RDONLY, 0));
        assertEquals("open(\"/nonexistent/keelson\") failed: ENOENT (No such file or directory)", e.getMessage());
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("ENOENT", e.symbol());
        assertEquals("open", e.call());
    }

    @Test
    void errnoValuesMapToTypedExceptions() {
        assertInstanceOf(NotFoundException.class, ErrnoException.of("x", null, Errno.ENODEV));
        assertInstanceOf(AlreadyExistsException.class, ErrnoException.of("x", null, Errno.EEXIST));
        assertInstanceOf(PermissionException.class, ErrnoException.of("x", null, Errno.EACCES));
        assertInstanceOf(NotSupportedException.class, ErrnoException.of("x", null, Errno.EOPNOTSUPP));
        ErrnoException plain = ErrnoException.of("x", "y", Errno.EBUSY);
        assertEquals(ErrnoException.class, plain.getClass());
        assertEquals("x(y) failed: EBUSY (Device or resource busy)", plain.getMessage());
    }

    @Test
    void permissionErrorsNameTheCapability() {
        ErrnoException e = ErrnoException.of("setns", "fd 3", Errno.EPERM);
        assertTrue(e.getMessage().endsWith("; this needs CAP_SYS_ADMIN (run as root)"), e.getMessage());
        ErrnoException nl = ErrnoException.of("RTM_NEWLINK", "\"br0\"", Errno.EPERM, "denied");
        assertTrue(nl.getMessage().contains("EPERM (Operation not permitted): denied; this needs CAP_NET_ADMIN"), nl.getMessage());
    }

    @Test
    void withHintKeepsTheTypeAndChainsTheCause() {
        ErrnoException e = ErrnoException.of("open", "\"/x\"", Errno.ENOENT);
        ErrnoException h = e.withHint("no such namespace");
        assertInstanceOf(NotFoundException.class, h);
        assertEquals(e, h.getCause());
        assertTrue(h.getMessage().endsWith("; no such namespace"));
    }

    @Test
    void unknownErrnoStillFormats() {
        assertEquals("errno 4095", Errno.name(4095));
    }

    /** errno lives in memory owned by each thread: concurrent failures never see each other's values. */
    @Test
    void errnoIsCapturedPerThreadUnderConcurrency() throws Exception {
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                boolean even = i % 2 == 0;
                Callable<Integer> task = () -> {
                    int wrong = 0;
                    for (int k = 0; k < 200; k++) {
                        try {
                            if (even) {
                                Libc.open("/nonexistent/" + k, Flags.O_RDONLY, 0);
                            } else {
                                Libc.close(1_000_000 + k);
                            }
                        } catch (ErrnoException e) {
                            if (e.errno() != (even ? Errno.ENOENT : Errno.EBADF)) {
                                wrong++;
                            }
                        }
                    }
                    return wrong;
                };
                results.add(ex.submit(task));
            }
            for (Future<Integer> f : results) {
                assertEquals(0, f.get());
            }
        }
    }

    @Test
    void fstatIdentifiesTheSameFileThroughTwoDescriptors() {
        int a = Libc.open("/proc/self/ns/net", Flags.O_RDONLY | Flags.O_CLOEXEC, 0);
        int b = Libc.open("/proc/thread-self/ns/net", Flags.O_RDONLY | Flags.O_CLOEXEC, 0);
        try {
            assertEquals(Libc.fstat(a), Libc.fstat(b));
            assertEquals(Flags.CLONE_NEWNET, Libc.ioctl(a, Flags.NS_GET_NSTYPE, 0, "ns"));
        } finally {
            Libc.close(a);
            Libc.close(b);
        }
    }

    @Test
    void fdCloseIsIdempotentAndUseAfterCloseFails() {
        Fd fd = Fd.adopt(Libc.open("/dev/null", Flags.O_RDONLY | Flags.O_CLOEXEC, 0));
        fd.close();
        fd.close();
        assertThrows(IllegalStateException.class, fd::get);
    }

    @Test
    void ifNameToIndexOfMissingInterfaceIsNotFound() {
        NotFoundException e = assertThrows(NotFoundException.class, () -> Libc.ifNameToIndex("nosuchif0"));
        assertTrue(e.getMessage().startsWith("if_nametoindex(\"nosuchif0\") failed: ENODEV"), e.getMessage());
    }

    @Test
    void flockExcludesASecondHolderAndIsSeenByFlock1(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String file = dir.resolve("lock").toString();
        int a = Libc.open(file, Flags.O_RDONLY | Flags.O_CREAT | Flags.O_CLOEXEC, 0644);
        int b = Libc.open(file, Flags.O_RDONLY | Flags.O_CLOEXEC, 0);
        try {
            assertTrue(Libc.flock(a, Flags.LOCK_EX));
            // a second open file description cannot take it, and neither can flock(1)
            assertEquals(false, Libc.flock(b, Flags.LOCK_EX | Flags.LOCK_NB));
            dev.keelson.testing.Command held = dev.keelson.testing.Command.run("flock", "-n", file, "true");
            assertEquals(1, held.exit(), held.err());
            Libc.flock(a, Flags.LOCK_UN);
            assertTrue(Libc.flock(b, Flags.LOCK_EX | Flags.LOCK_NB));
        } finally {
            Libc.close(a);
            Libc.close(b);
        }
    }

    @Test
    void gettidAndGetpidAreProcessIds() {
        assertEquals(ProcessHandle.current().pid(), Libc.getpid());
        assertTrue(Libc.gettid() > 0);
    }
}
