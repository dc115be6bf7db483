package dev.keelson.node.pod;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Restart back-off per {@code <pod uid>/<container>}, as the kubelet keeps it: the first restart is
 * immediate, then each restart waits a delay that starts at {@code initial} (10 s) and doubles up to
 * {@code max} (5 min), counted from the moment the container last finished. While waiting, the
 * container shows {@code CrashLoopBackOff}.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();

    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** How long {@code key} must still wait after finishing at {@code finishedAt}; zero when it may restart. */
    public Duration remaining(String key, Instant finishedAt, Instant now) {
        Duration d = delays.get(key);
        if (d == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, finishedAt.plus(d));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** The delay now in force for {@code key} (for the CrashLoopBackOff message). */
    public Duration current(String key) {
        return delays.getOrDefault(key, initial);
    }

    /** Records a restart: the next one waits twice as long (up to the ceiling). */
    public void restarted(String key) {
        delays.merge(key, initial, (old, x) -> {
            Duration doubled = old.multipliedBy(2);
            return doubled.compareTo(max) > 0 ? max : doubled;
        });
    }

    /** Forgets one key (the operation it guards succeeded). */
    public void forget(String key) {
        delays.remove(key);
    }

    /** Forgets every key of a pod. */
    public void forgetPod(String uid) {
        delays.keySet().removeIf(k -> k.startsWith(uid + "/"));
    }
}
