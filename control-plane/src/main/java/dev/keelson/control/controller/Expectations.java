package dev.keelson.control.controller;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Creations and deletions a controller has asked for but not yet seen in its informer, per owner
 * key. While some are outstanding the controller must not act on its (stale) cache again, or it
 * would create the same pods twice. Expectations older than 5 minutes are dropped (a lost event
 * must not wedge the owner).
 */
public final class Expectations {
    private static final long TTL_NANOS = TimeUnit.MINUTES.toNanos(5);

    private record Pending(int adds, int deletes, long sinceNanos) {}

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    public void expect(String key, int adds, int deletes) {
        pending.put(key, new Pending(adds, deletes, System.nanoTime()));
    }

    public void observedAdd(String key) {
        pending.computeIfPresent(key, (k, p) -> new Pending(p.adds() - 1, p.deletes(), p.sinceNanos()));
    }

    public void observedDelete(String key) {
        pending.computeIfPresent(key, (k, p) -> new Pending(p.adds(), p.deletes() - 1, p.sinceNanos()));
    }

    /** A create or delete failed: it will never be observed. */
    public void lowered(String key, int adds, int deletes) {
        pending.computeIfPresent(key, (k, p) -> new Pending(p.adds() - adds, p.deletes() - deletes, p.sinceNanos()));
    }

    public boolean satisfied(String key) {
        Pending p = pending.get(key);
        return p == null || (p.adds() <= 0 && p.deletes() <= 0) || System.nanoTime() - p.sinceNanos() > TTL_NANOS;
    }

    public void forget(String key) {
        pending.remove(key);
    }
}
