package dev.keelson.bench.scheduler;

import dev.keelson.bench.api.RestClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A watch on the benchmark namespace's pods that notes when each pod is first seen bound (a
 * MODIFIED event with {@code spec.nodeName} set): the client-side end of a pod's scheduling
 * latency, and the count the throughput phase waits for.
 */
final class BindWatch implements AutoCloseable {
    private final Map<String, Long> boundAt = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private volatile long lastBind;
    private volatile Exception failure;
    private Thread thread;

    /** Opens the watch from {@code resourceVersion}; returns once the server has answered. */
    static BindWatch open(RestClient client, String namespace, String resourceVersion) throws Exception {
        BindWatch w = new BindWatch();
        CompletableFuture<Void> open = new CompletableFuture<>();
        w.thread = Thread.ofVirtual().name("bench-bind-watch").start(() -> {
            try {
                client.watch("/api/v1/namespaces/" + namespace + "/pods?watch=true&timeoutSeconds=3600&resourceVersion="
                        + resourceVersion, () -> open.complete(null), w::onLine);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                w.failure = e;
                open.completeExceptionally(e);
            }
        });
        open.get(30, TimeUnit.SECONDS);
        return w;
    }

    private void onLine(String line) {
        if (line.startsWith("{\"type\":\"MODIFIED\"") && line.contains("\"nodeName\":\"")) {
            long now = System.nanoTime();
            if (boundAt.putIfAbsent(RestClient.objectName(line), now) == null) {
                lastBind = now;
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
        }
    }

    /** How many pods were seen bound so far. */
    int bound() {
        return boundAt.size();
    }

    /** When the last pod was seen bound ({@link System#nanoTime}). */
    long lastBind() {
        return lastBind;
    }

    /** When pod {@code name} was seen bound, or null. */
    Long boundAt(String name) {
        return boundAt.get(name);
    }

    /** Waits until {@code count} pods were seen bound; {@code onWait} is told the count now and then. */
    void awaitBound(int count, Duration timeout, java.util.function.IntConsumer onWait) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (bound() < count) {
                if (failure != null) {
                    throw new IllegalStateException("bench scheduler: the bind watch failed: " + failure.getMessage(), failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("bench scheduler: only " + bound() + " of " + count
                            + " pods were bound within " + timeout.toSeconds() + " s");
                }
                progress.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 500));
                onWait.accept(bound());
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
