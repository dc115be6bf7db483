package dev.keelson.bench.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A watch on the pods labelled {@code bench=NAME}: when each pod was first seen (its creation, as
 * the watch delivers it) and when its Ready condition was first seen True — both on this JVM's
 * clock, since API timestamps have one-second resolution.
 */
final class ReadyWatch implements AutoCloseable {
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final Map<String, Long> ready = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private volatile Exception failure;
    private Thread thread;

    /** Starts watching from {@code resourceVersion} (a LIST's, taken before the Deployment is created). */
    static ReadyWatch open(KubeClient client, String label, String resourceVersion) throws InterruptedException {
        ReadyWatch w = new ReadyWatch();
        CountDownLatch started = new CountDownLatch(1);
        w.thread = Thread.ofVirtual().name("bench-ready-watch").start(() -> {
            started.countDown();
            try {
                client.watch(Resource.PODS, Workloads.NAMESPACE, resourceVersion, "labelSelector=bench%3D" + label, 3600, w::onEvent);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                w.failure = e;
            }
        });
        started.await();
        return w;
    }

    private void onEvent(ObjectNode event) {
        long now = System.nanoTime();
        String type = event.path("type").asText();
        if (!type.equals("ADDED") && !type.equals("MODIFIED")) {
            return;
        }
        JsonNode pod = event.path("object");
        String name = pod.path("metadata").path("name").asText();
        seen.putIfAbsent(name, now);
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True")
                    && ready.putIfAbsent(name, now) == null) {
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
        }
    }

    /** Waits until {@code count} pods were seen Ready; {@code onWait} is told the count now and then. */
    void awaitReady(int count, Duration timeout, IntConsumer onWait) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (ready.size() < count) {
                if (failure != null) {
                    throw new IllegalStateException("bench pods: the pod watch failed: " + failure.getMessage(), failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("bench pods: only " + ready.size() + " of " + count
                            + " pods were Ready within " + timeout.toSeconds() + " s");
                }
                progress.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 500));
                onWait.accept(ready.size());
            }
        }
    }

    /** Pod name → first seen ({@link System#nanoTime}). */
    Map<String, Long> seen() {
        return seen;
    }

    /** Pod name → first seen Ready ({@link System#nanoTime}). */
    Map<String, Long> ready() {
        return ready;
    }

    /** When the last pod became Ready. */
    long lastReady() {
        return ready.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
