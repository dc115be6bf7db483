package dev.keelson.cri.stream;

import dev.keelson.cri.container.Attachment;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutionException;

/**
 * One streaming attach: the container's output from now on to the client, the client's input
 * to the container's stdin (when it reads one). The session ends when the container has exited
 * and its output is delivered, or, for a client that sends no input, when the client goes away.
 */
final class AttachSession {
    private AttachSession() {
    }

    /**
     * Serves {@code s} with {@code a} until the end; {@code s} and {@code a} are closed afterwards.
     *
     * @param s the client's streams
     * @param open attaches with the client's output streams
     */
    static void run(CommandStreams s, java.util.function.BiFunction<java.io.OutputStream, java.io.OutputStream, Attachment> open) {
        try (s; Attachment a = open.apply(s.stdout(), s.stderr())) {
            if (s.stdin() != null) {
                Thread.ofVirtual().name("attach-stdin").start(() -> copyStdin(s.stdin(), a));
            }
            if (s.resize() != null && a.hasTerminal()) {
                Thread.ofVirtual().name("attach-resize").start(() -> ExecSession.resizes(s.resize(), a::resize));
            }
            try {
                a.ended().get();
            } catch (ExecutionException e) {
                // the exit was recorded another way (the shim vanished): the session ends all the same
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                s.status(StatusJson.ok());
            } catch (IOException e) {
                // the client is gone
            }
        }
    }

    /** Client input to the container's stdin; at its end, a stdin_once container's stdin is closed. */
    private static void copyStdin(InputStream in, Attachment a) {
        byte[] buf = new byte[16 * 1024];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (a.hasStdin()) {
                    a.writeStdin(buf, 0, n);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client left, or the container's stdin closed
        }
        a.stdinEnded();
    }
}
