package dev.keelson.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class ProcessCallsTest {

    @Test
    void pidfdWaitidAndKillReportHowAChildEnded() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        int pidfd = Libc.pidfdOpen((int) p.pid(), 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(WaitStatus.SIGINFO_SIZE);
            // Peek without reaping (WNOWAIT is not used, so use WNOHANG on a still-running child).
            assertFalse(Libc.waitid(Flags.P_PIDFD, pidfd, info, Flags.WEXITED | Flags.WNOHANG));
            Libc.kill((int) p.pid(), 9);
            assertTrue(Libc.waitid(Flags.P_PIDFD, pidfd, info, Flags.WEXITED));
            WaitStatus s = WaitStatus.from(info);
            assertEquals(p.pid(), s.pid());
            assertFalse(s.exited());
            assertEquals(9, s.code());
            assertEquals(137, s.shellStatus());
        } finally {
            Libc.close(pidfd);
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
