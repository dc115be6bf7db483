package dev.keelson.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared epoll loop: pidfd exits (child or not, watched twice, already gone) and readable FIFOs. */
class EventLoopTest {
    @TempDir
    Path tmp;

    @Test
    void everyWatcherOfAProcessSeesItsExitAndNotBefore() throws Exception {
        Process p = new ProcessBuilder("sleep", "0.3").start();
        int pid = (int) p.pid();
        CompletableFuture<Void> first = EventLoop.shared().onExit(pid);
        CompletableFuture<Void> second = EventLoop.shared().onExit(pid);
        assertFalse(first.isDone() || second.isDone(), "sleep still runs");
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
    }

    @Test
    void aProcessThatIsGoneHasEndedAlready() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertTrue(EventLoop.shared().onExit((int) p.pid()).isDone(), "reaped: no such process");
    }

    @Test
    void aNonChildIsWatchedToo() throws Exception {
        // sh starts sleep in the background and exits at once: sleep is nobody's child here (and does
        // not hold sh's stdout, which would keep the read below waiting until it ended)
        Process sh = new ProcessBuilder("sh", "-c", "sleep 1 >/dev/null 2>&1 & echo $!").start();
        int pid = Integer.parseInt(new String(sh.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip());
        sh.waitFor();
        CompletableFuture<Void> ended = EventLoop.shared().onExit(pid);
        assertFalse(ended.isDone());
        ended.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aReadableFifoCallsItsHandlerUntilTheWatchIsClosed() throws Exception {
        Path fifo = tmp.resolve("f");
        FileCalls.mknod(fifo.toString(), FileCalls.S_IFIFO | 0600, 0, 0);
        try (Fd fd = Fd.adopt(Libc.open(fifo.toString(), Flags.O_RDWR | Flags.O_NONBLOCK | Flags.O_CLOEXEC, 0))) {
            AtomicInteger bytes = new AtomicInteger();
            CountDownLatch got = new CountDownLatch(1);
            var buf = java.lang.foreign.Arena.ofAuto().allocate(64);
            EventLoop.Watch w = EventLoop.shared().watchReadable(fd, () -> {
                bytes.addAndGet((int) Libc.read(fd.get(), buf));
                if (bytes.get() >= 5) {
                    got.countDown();
                }
            });
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
            }
            assertTrue(got.await(10, TimeUnit.SECONDS));
            w.close();
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write("more".getBytes(StandardCharsets.US_ASCII));
            }
            Thread.sleep(200);
            assertEquals(5, bytes.get(), "no calls after close");
        }
    }
}
