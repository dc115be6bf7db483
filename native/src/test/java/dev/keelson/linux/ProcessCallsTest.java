package dev.keelson.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class ProcessCallsTest {

    /**
     * The JDK's own reaper thread waits for every child ProcessBuilder starts, so which of us reaps
     * an exited child is a race; this test only waits on a child that is still running (WNOHANG)
     * and checks kill through the pidfd's view of the process.
     */
    @Test
    void pidfdWaitidAndKillOnARunningChild() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        int pidfd = Libc.pidfdOpen((int) p.pid(), 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(WaitStatus.SIGINFO_SIZE);
            assertFalse(Libc.waitid(Flags.P_PIDFD, pidfd, info, Flags.WEXITED | Flags.WNOHANG));
            Libc.kill((int) p.pid(), 9);
            assertEquals(137, p.waitFor());
        } finally {
            Libc.close(pidfd);
        }
    }

    @Test
    void waitidOnSomeoneElsesProcessIsECHILD() {
        int pidfd = Libc.pidfdOpen(1, 0);
        try (Arena a = Arena.ofConfined()) {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Libc.waitid(Flags.P_PIDFD, pidfd, a.allocate(WaitStatus.SIGINFO_SIZE), Flags.WEXITED | Flags.WNOHANG));
            assertEquals(Errno.ECHILD, e.errno());
        } finally {
            Libc.close(pidfd);
        }
    }

    @Test
    void waitStatusReadsExitCodesAndSignals() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(WaitStatus.SIGINFO_SIZE);
            info.set(java.lang.foreign.ValueLayout.JAVA_INT, 8, 1);    // CLD_EXITED
            info.set(java.lang.foreign.ValueLayout.JAVA_INT, 16, 4242);
            info.set(java.lang.foreign.ValueLayout.JAVA_INT, 24, 3);
            assertEquals(new WaitStatus(4242, true, 3), WaitStatus.from(info));
            assertEquals(3, WaitStatus.from(info).shellStatus());
            info.set(java.lang.foreign.ValueLayout.JAVA_INT, 8, 2);    // CLD_KILLED
            info.set(java.lang.foreign.ValueLayout.JAVA_INT, 24, 9);
            assertEquals(137, WaitStatus.from(info).shellStatus());
        }
    }

    @Test
    void pidfdOfMissingProcessIsNotFound() {
        assertThrows(NotFoundException.class, () -> Libc.pidfdOpen(Integer.MAX_VALUE - 1, 0));
    }

    @Test
    void prctlSetsTheKernelThreadName() throws Exception {
        String[] comm = new String[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try (Arena a = Arena.ofConfined()) {
                Libc.prctl(Flags.PR_SET_NAME, a.allocateFrom("keelson-prctl").address(), 0, 0, 0);
                comm[0] = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/comm")).strip();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        t.join();
        assertEquals("keelson-prctl", comm[0]);
    }

    @Test
    void socketOptionsRoundTrip() {
        int s = Libc.socket(Flags.AF_NETLINK, Flags.SOCK_RAW | Flags.SOCK_CLOEXEC, 0);
        try {
            Libc.setsockopt(s, Flags.SOL_SOCKET, Flags.SO_RCVBUF, 200_000);
            // the kernel doubles the value for bookkeeping (socket(7))
            assertEquals(400_000, Libc.getsockopt(s, Flags.SOL_SOCKET, Flags.SO_RCVBUF));
        } finally {
            Libc.close(s);
        }
    }
}
