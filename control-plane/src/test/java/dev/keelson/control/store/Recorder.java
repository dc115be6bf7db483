package dev.keelson.control.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A watch listener that keeps everything it is told, and lets a test wait for it. */
final class Recorder implements WatchListener {
    private final List<WatchEvent> events = new ArrayList<>();
    private final List<Long> progress = new ArrayList<>();
    private final List<String> threads = new ArrayList<>();
    private StoreException error;
    private final long delayMillis;

    Recorder() {
        this(0);
    }

    /** A slow listener: sleeps this long in every callback. */
    Recorder(long delayMillis) {
        this.delayMillis = delayMillis;
    }

    @Override
    public void onEvent(WatchEvent event) {
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            events.add(event);
            threads.add(Thread.currentThread().getName());
            notifyAll();
        }
    }

    @Override
    public synchronized void onProgress(long revision) {
        progress.add(revision);
        notifyAll();
    }

    @Override
    public synchronized void onError(StoreException e) {
        error = e;
        notifyAll();
    }

    synchronized List<WatchEvent> events() {
        return List.copyOf(events);
    }

    synchronized List<Long> progress() {
        return List.copyOf(progress);
    }

    synchronized StoreException error() {
        return error;
    }

    /** Waits until at least {@code n} events arrived; returns them all. */
    List<WatchEvent> await(int n, Duration timeout) {
        awaitThat(r -> r.events.size() >= n, timeout, () -> "expected " + n + " events, got " + events.size());
        return events();
    }

    /** Waits until an error arrived. */
    StoreException awaitError(Duration timeout) {
        awaitThat(r -> r.error != null, timeout, () -> "expected the watch to end with an error");
        return error();
    }

    /** Waits until a progress notification arrived. */
    List<Long> awaitProgress(Duration timeout) {
        awaitThat(r -> !r.progress.isEmpty(), timeout, () -> "expected a progress notification");
        return progress();
    }

    private synchronized void awaitThat(Predicate<Recorder> done, Duration timeout, java.util.function.Supplier<String> why) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail(why.get() + (error != null ? " (watch error: " + error.getMessage() + ")" : ""));
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
