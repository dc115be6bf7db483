package dev.keelson.cli.proxy;

import dev.keelson.proxy.backend.Applied;
import dev.keelson.proxy.backend.BackendException;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.conntrack.Conntrack;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.proxy.sync.Proxier;
import dev.keelson.proxy.sync.SyncMetrics;
import java.time.Duration;
import java.time.Instant;

/**
 * One {@code keelson proxy apply} in the calling thread's network namespace: decides whether the
 * recorded state can be trusted (then the sync is incremental), runs the {@link Proxier} once
 * (compile, diff, apply, stale UDP conntrack cleanup), and records the outcome in the state file —
 * on failure too, with the previous rules' manifests kept and the next sync forced to be full.
 */
public final class Applier {
    private final StateStore store;

    /** An applier recording its state in {@code store}. */
    public Applier(StateStore store) {
        this.store = store;
    }

    /**
     * What an apply did.
     *
     * @param kind        {@code full}, {@code incremental} or {@code unchanged}
     * @param whyFull     why the sync was full (null when it was not)
     * @param text        what was sent (or, in a dry run, would be)
     * @param lines       non-empty lines of {@link #text}
     * @param applyMillis kernel apply time (0 in a dry run)
     * @param metrics     the sync's metrics (null in a dry run)
     * @param replaced    the backend whose rules were flushed because another one took over, or null
     */
    public record Outcome(String kind, String whyFull, String text, int lines, double applyMillis, SyncMetrics metrics,
                          BackendKind replaced) {
    }

    /** The earlier state, compiled, if the kernel still holds it for this backend and node; else why not. */
    record Basis(ProxyState previous, Snapshot snapshot, CompiledState compiled, String whyFull) {
    }

    Basis basis(StateStore.Loaded loaded, BackendKind kind, NodeConfig node) {
        ProxyState prev = loaded.state();
        if (prev == null) {
            return new Basis(null, null, null, loaded.problem() != null ? loaded.problem() : "no earlier state");
        }
        String why = null;
        if (prev.backend() != kind) {
            why = "the earlier rules were applied by " + prev.backend().option();
        } else if (prev.needsFullSync()) {
            why = "the previous apply failed";
        } else if (!prev.node().equals(node)) {
            why = "the node configuration changed";
        } else if (prev.mark() < 0 || kind.mark() != prev.mark()) {
            why = "Keelson's rules were changed or removed outside Keelson";
        }
        if (why != null) {
            return new Basis(prev, null, null, why);
        }
        try {
            Snapshot s = prev.sources().parse();
            return new Basis(prev, s, Compiler.compile(s, node), null);
        } catch (RuntimeException e) {
            return new Basis(prev, null, null, "the recorded manifests no longer parse: " + e.getMessage());
        }
    }

    /** Prints nothing to the kernel: returns the text an apply would send now. */
    public Outcome dryRun(ManifestSources sources, BackendKind kind, NodeConfig node) {
        Snapshot snap = sources.parse();
        CompiledState next = Compiler.compile(snap, node);
        Basis b = basis(store.load(), kind, node);
        String text;
        String kindText;
        if (b.compiled() != null) {
            StateDiff d = StateDiff.between(b.compiled(), next);
            text = d.isEmpty() ? "" : kind.incrementalText(d, next);
            kindText = d.isEmpty() ? "unchanged" : "incremental";
        } else {
            text = kind.fullText(next);
            kindText = "full";
        }
        return new Outcome(kindText, b.whyFull(), text, lines(text), 0, null, null);
    }

    /**
     * Applies {@code sources} with {@code kind} for {@code node}.
     *
     * @throws BackendException when the kernel refused (the previous rules are intact)
     */
    public Outcome apply(ManifestSources sources, BackendKind kind, NodeConfig node) {
        Snapshot snap = sources.parse();
        StateStore.Loaded loaded = store.load();
        Basis b = basis(loaded, kind, node);
        Conntrack ct = openConntrack();
        ResumedBackend backend = new ResumedBackend(kind, kind.open(), b.compiled());
        try (Proxier proxier = new Proxier(backend, node, new Proxier.Options(Duration.ZERO, Duration.ZERO, true), ct)) {
            if (b.compiled() != null) {
                proxier.update(b.snapshot());
                proxier.syncNow(); // answered by ResumedBackend without touching the kernel
            }
            proxier.update(snap);
            Applied done;
            try {
                done = proxier.syncNow();
            } catch (BackendException e) {
                if (b.previous() != null) {
                    store.save(b.previous().failed(e.getMessage()));
                }
                throw e;
            }
            SyncMetrics m = proxier.metrics();
            String kindText = done == null ? "unchanged" : done.kind();
            ProxyState.History h = b.previous() != null && b.previous().backend() == kind
                    ? b.previous().history() : ProxyState.History.none();
            h = h.success(kindText, done == null ? 0 : done.lines(), m.lastSyncMillis(),
                    done == null ? 0 : done.millis(), m.conntrackDeleted(), Instant.now().toString());
            store.save(new ProxyState(kind, kind.mark(), false, node, sources, h));
            BackendKind replaced = null;
            if (b.previous() != null && b.previous().backend() != kind) {
                replaced = b.previous().backend();
                try (var old = replaced.open()) {
                    old.flush();
                }
            }
            return new Outcome(kindText, "full".equals(kindText) ? b.whyFull() : null,
                    done == null ? "" : done.script(), done == null ? 0 : done.lines(),
                    done == null ? 0 : done.millis(), m, replaced);
        }
    }

    private static Conntrack openConntrack() {
        try {
            return Conntrack.open();
        } catch (RuntimeException e) {
            // Without ctnetlink (module not loaded) the rules still apply; only stale UDP flows linger.
            return null;
        }
    }

    static int lines(String text) {
        return (int) text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
    }
}
