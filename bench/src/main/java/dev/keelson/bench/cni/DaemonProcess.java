package dev.keelson.bench.cni;

import dev.keelson.netns.NetNamespace;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Keelson CNI daemon in a JVM of its own ({@link DaemonMain}: this JVM's java and class path),
 * started from a thread inside the node namespace, so that the daemon's own namespace is the node's
 * and never this JVM's. It is checked to be there before it is used, and ended by its PID only.
 */
final class DaemonProcess implements AutoCloseable {
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private final Process process;
    private final Path socket;
    private final Path log;

    private DaemonProcess(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /** Starts the daemon on {@code socket}, its output going to {@code log}; returns once it accepts calls. */
    static DaemonProcess start(NetNamespace node, Path socket, Path log) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this JVM"));
        String classPath = System.getProperty("java.class.path");
        List<String> cmd = List.of(java, "-Xshare:auto", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", absolute(classPath), DaemonMain.class.getName(),
                socket.toString());
        Process p = node.run(() -> new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        DaemonProcess d = new DaemonProcess(p, socket, log);
        try {
            d.checkNamespace(node);
            d.awaitSocket();
            return d;
        } catch (IOException | RuntimeException | InterruptedException e) {
            d.close();
            throw e;
        }
    }

    long pid() {
        return process.pid();
    }

    /** The daemon must live in the node namespace: it runs plugins there when a caller's own is gone. */
    private void checkNamespace(NetNamespace node) throws IOException {
        Path ns = Path.of("/proc/" + process.pid() + "/ns/net");
        Object ino = Files.getAttribute(ns, "unix:ino");
        if (!(ino instanceof Long l) || l != node.inode()) {
            throw new IOException("the CNI daemon (pid " + process.pid() + ") did not start in the node namespace "
                    + node.path() + " (inode " + node.inode() + ", its own: " + ino + ")");
        }
    }

    private void awaitSocket() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the CNI daemon exited with status " + process.exitValue() + ": " + logTail());
            }
            if (Files.exists(socket)) {
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    return; // an empty connection: the daemon answers it with an error and goes on
                } catch (IOException e) {
                    // bound but not yet accepting
                }
            }
            Thread.sleep(20);
        }
        throw new IOException("the CNI daemon did not listen on " + socket + " within 60 s: " + logTail());
    }

    private String logTail() {
        try {
            String s = Files.readString(log).strip();
            return s.isEmpty() ? "(no output)" : s.length() > 2000 ? "..." + s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Closes its stdin (it then stops by itself), then ends it by PID if it lingers. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Class path entries made absolute: the child may resolve relative ones elsewhere. */
    private static String absolute(String classPath) {
        StringBuilder b = new StringBuilder();
        for (String e : classPath.split(File.pathSeparator)) {
            if (e.isEmpty()) {
                continue;
            }
            if (!b.isEmpty()) {
                b.append(File.pathSeparator);
            }
            b.append(Path.of(e).toAbsolutePath());
        }
        return b.toString();
    }
}
