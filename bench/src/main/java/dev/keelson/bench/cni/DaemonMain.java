package dev.keelson.bench.cni;

import dev.keelson.cni.daemon.CniDaemon;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code java ... dev.keelson.bench.cni.DaemonMain SOCKET}: the Keelson CNI daemon as the benchmark
 * runs it — {@link CniDaemon#start}, the same server {@code keelson cni daemon --socket SOCKET}
 * runs — tied to its parent by stdin: when the benchmark's JVM ends, however it ends, the pipe
 * closes and the daemon stops and removes its socket, so no daemon outlives a run.
 */
public final class DaemonMain {
    private DaemonMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: DaemonMain SOCKET");
            System.exit(2);
        }
        CniDaemon daemon = CniDaemon.start(Path.of(args[0]));
        Thread.ofPlatform().daemon().name("keelson-bench-parent-watch").start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // Nothing is sent; reading only waits for the parent to go away.
                }
            } catch (IOException e) {
                // The same as end of input: the parent is gone.
            }
            daemon.close();
        });
        System.err.println("keelson cni daemon (benchmark): listening on " + daemon.socket());
        daemon.awaitClose();
        System.exit(0);
    }
}
