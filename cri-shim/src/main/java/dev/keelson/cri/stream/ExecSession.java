package dev.keelson.cri.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cri.oci.ExitStatus;
import dev.keelson.cri.oci.OciRuntime;
import dev.keelson.cri.sandbox.Tree;
import dev.keelson.linux.Fd;
import dev.keelson.linux.tty.ConsoleSocket;
import dev.keelson.linux.tty.Pty;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs one streaming exec: {@code runc exec} with pipes, or with a terminal whose master arrives
 * on a console socket, and pumps the client's streams to and from it until the command ends.
 * Then the output is drained, the exit status written to the error stream, and the session closed.
 */
final class ExecSession {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TERMINAL_WAIT = Duration.ofSeconds(10);
    private static final long DRAIN_MILLIS = 5000;
    private static final long RETRY_MILLIS = 10;

    private ExecSession() {
    }

    /** Runs {@code cmd} in container {@code id} for the session {@code s}, which is closed at the end. */
    static void run(CommandStreams s, OciRuntime runtime, String id, List<String> cmd, boolean tty) {
        try (s) {
            StatusJson status;
            try {
                int code = tty ? withTerminal(s, runtime, id, cmd) : withPipes(s, runtime, id, cmd);
                status = StatusJson.exited(code, cmd.toString());
            } catch (IOException e) {
                status = StatusJson.failure("error executing command " + cmd + " in container " + id + ": " + e.getMessage());
            }
            try {
                s.status(status);
            } catch (IOException e) {
                // the client is gone: nobody to tell
            }
        }
    }

    private static int withPipes(CommandStreams s, OciRuntime runtime, String id, List<String> cmd) throws IOException {
        Process p = runtime.startExec(id, cmd);
        Thread out = Pumps.copy("exec-stdout", p.getInputStream(), s.stdout());
        Thread err = Pumps.copy("exec-stderr", p.getErrorStream(), s.stderr());
        if (s.stdin() != null) {
            Pumps.copy("exec-stdin", s.stdin(), p.getOutputStream());
        } else {
            p.getOutputStream().close();
        }
        int code = waitFor(p);
        Pumps.join(out, DRAIN_MILLIS);
        Pumps.join(err, DRAIN_MILLIS);
        return code;
    }

    private static int withTerminal(CommandStreams s, OciRuntime runtime, String id, List<String> cmd) throws IOException {
        // sun_path holds 107 bytes: a short private directory, not the container's bundle
        Path dir = Files.createTempDirectory("keelson-console-");
        try (ConsoleSocket console = ConsoleSocket.listen(dir.resolve("sock"))) {
            Process shim = runtime.startTerminalExec(id, cmd, console.path(), dir);
            Thread shimOut = Pumps.copy("exec-shim-out", shim.getInputStream(), null);
            Pty pty;
            try {
                pty = console.receive(TERMINAL_WAIT, shim::isAlive);
            } catch (IOException e) {
                shim.destroyForcibly();
                throw new IOException(e.getMessage() + ": " + OciRuntime.runtimeMessages(dir.resolve("runtime.log")), e);
            }
            // Holding the slave too, a command's or anyone's passing open and close of it does not hang the master up.
            Optional<Fd> peer = pty.openPeer();
            try (pty) {
                Thread reader = Thread.ofPlatform().daemon().name("exec-pty")
                        .start(() -> readTerminal(pty, s.stdout(), shim::isAlive, id));
                if (s.stdin() != null) {
                    // a platform thread: a full terminal input buffer blocks write(2), which would pin a carrier
                    Thread.ofPlatform().daemon().name("exec-pty-in").start(() -> writeTerminal(s.stdin(), pty));
                }
                if (s.resize() != null) {
                    Thread.ofVirtual().name("exec-resize").start(() -> resizes(s.resize(), pty::resize));
                }
                try {
                    waitFor(shim);
                } finally {
                    peer.ifPresent(Fd::close);
                }
                Pumps.join(reader, DRAIN_MILLIS);
                Pumps.join(shimOut, DRAIN_MILLIS);
                return ExitStatus.read(OciRuntime.exitFile(dir)).map(ExitStatus::criExitCode).orElseThrow(() ->
                        new IOException("the command's exit was not recorded: " + OciRuntime.runtimeMessages(dir.resolve("runtime.log"))));
            }
        } finally {
            Tree.delete(dir);
        }
    }

    /**
     * Copies the terminal's output to the client until the terminal hangs up after the process
     * ended. A read that fails while the process still runs (EIO once the last other opener of the
     * slave closed it, though the command may open it again; any other error is reported once) is retried every
     * {@value #RETRY_MILLIS} ms, never taken for the end: that would lose the rest of the output.
     */
    private static void readTerminal(Pty pty, OutputStream out, BooleanSupplier running, String id) {
        byte[] buf = new byte[32 * 1024];
        boolean reported = false;
        while (true) {
            int n;
            String failure = null;
            try {
                n = pty.read(buf);
            } catch (RuntimeException e) {
                n = -1;
                failure = e.getMessage();
            }
            if (n < 0) {
                if (!running.getAsBoolean()) {
                    return;
                }
                if (failure != null && !reported) {
                    System.err.println("keelson cri: exec terminal in container " + id + ": " + failure
                            + " while the command runs; reading on");
                    reported = true;
                }
                Pumps.sleep(RETRY_MILLIS);
                continue;
            }
            if (out != null) {
                try {
                    out.write(buf, 0, n);
                } catch (IOException e) {
                    out = null; // the client left: keep draining so the process is never blocked on its output
                }
            }
        }
    }

    private static void writeTerminal(InputStream in, Pty pty) {
        byte[] buf = new byte[32 * 1024];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                pty.write(buf, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            // the process ended (terminal closed) or the client left
        }
    }

    /** Sets a terminal's window size. */
    interface Resizer {
        void resize(int rows, int cols) throws IOException;
    }

    /** Applies each {@code {"Width":W,"Height":H}} the client sends to the terminal. */
    static void resizes(InputStream in, Resizer terminal) {
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(in)) {
            while (it.hasNextValue()) {
                JsonNode size = it.nextValue();
                int w = size.path("Width").asInt(0);
                int h = size.path("Height").asInt(0);
                if (w > 0 && h > 0) {
                    terminal.resize(h, w);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a malformed size or the terminal closed: later sizes are lost, the session goes on
        }
    }

    private static int waitFor(Process p) throws IOException {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
