package dev.keelson.cli.proxy;

import dev.keelson.proxy.backend.Applied;
import dev.keelson.proxy.backend.BackendException;
import dev.keelson.proxy.backend.NftBackend;
import dev.keelson.proxy.backend.RuleBackend;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.StateDiff;

/**
 * A backend that can continue where an earlier process stopped. The library's backends and the
 * {@code Proxier} keep the applied state in memory only, so a fresh process must start with a full
 * sync; a CLI {@code apply} that wants to be incremental has to tell them "the kernel already holds
 * this". This wrapper does that: constructed with the state an earlier {@code apply} recorded (and
 * whose kernel mark still matches), it answers the Proxier's first {@link #full} for exactly that
 * state by sending nothing, and then sends incremental syncs: the nft backend is told to trust the
 * table ({@link NftBackend#resume}); for iptables this wrapper sends them itself (through
 * {@link BackendKind}), because the wrapped backend still believes it needs a full sync. Any failure, or any full sync of
 * a different state, hands everything back to the wrapped backend.
 *
 * <pre>
 *   [trusting] ──full(same state)──► [resumed] ──incremental ok──► [resumed]
 *       │                               │ failure / full(other)
 *       └──full(other)──────────────────┴──────────────► [delegating]  (the wrapped backend decides)
 * </pre>
 */
public final class ResumedBackend implements RuleBackend {
    private final BackendKind kind;
    private final RuleBackend delegate;
    private CompiledState trusted;
    private boolean resumed;

    /**
     * @param kind     which backend {@code delegate} is
     * @param delegate the real backend (opened in the namespace to program)
     * @param trusted  the state the kernel is known to hold, or null to behave exactly as {@code delegate}
     */
    public ResumedBackend(BackendKind kind, RuleBackend delegate, CompiledState trusted) {
        this.kind = kind;
        this.delegate = delegate;
        this.trusted = trusted;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Applied full(CompiledState state) {
        if (trusted != null && trusted.equals(state)) {
            trusted = null;
            resumed = true;
            return new Applied("resumed", "", 0);
        }
        trusted = null;
        resumed = false;
        return delegate.full(state);
    }

    @Override
    public Applied incremental(StateDiff diff, CompiledState after) {
        if (!resumed) {
            return delegate.incremental(diff, after);
        }
        if (delegate instanceof NftBackend nft) {
            // The nft backend writes the change itself (elements, scripts, netlink-only rules, purge).
            nft.resume();
            try {
                return nft.incremental(diff, after);
            } catch (BackendException e) {
                resumed = false;
                throw e;
            }
        }
        long t0 = System.nanoTime();
        try {
            kind.sendIncremental(diff, after);
        } catch (BackendException e) {
            resumed = false;
            throw e;
        }
        long nanos = System.nanoTime() - t0;
        // Without the "# iptables-restore" headers the dry run prints: the lines actually sent.
        String sent = kind.incrementalText(diff, after).lines().filter(l -> !l.startsWith("# "))
                .collect(java.util.stream.Collectors.joining("\n"));
        return new Applied("incremental", sent, nanos);
    }

    @Override
    public boolean needsFullSync() {
        return !resumed && delegate.needsFullSync();
    }

    @Override
    public void flush() {
        resumed = false;
        delegate.flush();
    }

    @Override
    public String show() {
        return delegate.show();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
