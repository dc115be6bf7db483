package dev.keelson.bench.proxy;

import dev.keelson.netns.NetNamespace;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where a reference layout's rule text goes: a tool ({@code nft -f -}, {@code iptables-restore})
 * run in the node namespace. Keelson's contenders do not use it: they drive the real backends
 * (NftBackend, IptablesBackend) directly, see {@link Contender.Keelson}.
 */
interface RuleSink extends AutoCloseable {

    /** Applies {@code text} as one transaction; gives up after {@code cap}. */
    void apply(String text, Duration cap) throws IOException, CapExceededException;

    @Override
    void close();

    /** The load took longer than the benchmark's cap. */
    final class CapExceededException extends Exception {
        CapExceededException(String what, Duration cap) {
            super(what + " took longer than the cap of " + cap.toSeconds() + " s");
        }
    }

    /**
     * A program ({@code nft -f -}, {@code iptables-restore}) reading the text on stdin, started
     * from a thread inside the node namespace: a child inherits its creating thread's network
     * namespace.
     */
    static RuleSink exec(NetNamespace node, List<String> argv) {
        return new RuleSink() {
            @Override
            public void apply(String text, Duration cap) throws IOException, CapExceededException {
                Process p = node.run(() -> new ProcessBuilder(argv).redirectErrorStream(true).start());
                CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                    try {
                        return p.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        return new byte[0];
                    }
                }, Thread::startVirtualThread);
                // Fed from another thread: the programs parse while they read, so a slow one would
                // otherwise hold this thread in write() past the cap.
                Thread.startVirtualThread(() -> {
                    try (OutputStream in = p.getOutputStream()) {
                        in.write(text.getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        // the program died early (or was killed at the cap); its exit status says why
                    }
                });
                try {
                    if (!p.waitFor(cap.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                        p.waitFor(); // a kernel transaction in progress finishes first
                        throw new CapExceededException(String.join(" ", argv), cap);
                    }
                    if (p.exitValue() != 0) {
                        String msg = new String(out.join(), StandardCharsets.UTF_8);
                        throw new IOException(String.join(" ", argv) + " failed (exit " + p.exitValue() + "): "
                                + msg.lines().limit(5).toList());
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }

            @Override
            public void close() {
            }
        };
    }
}
