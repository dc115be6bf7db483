package dev.keelson.proxy.backend;

import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.StateDiff;

/**
 * Where compiled rules are programmed: the kernel through nftables or iptables, or a test double.
 * A backend owns one Keelson rule set (the nft table {@code inet keelson}, or the KUBE- chains).
 *
 * <pre>
 *           full(s) ok                      incremental(d) ok
 *  [fresh] ───────────► [in sync] ◄───────────────────────────┐
 *     ▲                   │  │                                 │
 *     │        any failure│  └─────────────────────────────────┘
 *     │                   ▼
 *     └──── full(s) ── [needs full sync]   (the previous rules are still in the kernel)
 * </pre>
 *
 * A failed apply leaves the previous rules in place (nft transactions and iptables-restore
 * COMMITs are atomic) and sets {@link #needsFullSync()}; only a successful {@link #full} clears it.
 */
public interface RuleBackend extends AutoCloseable {

    /** A short name for logs and metrics: {@code nftables}, {@code iptables-nft}, … */
    String name();

    /**
     * Replaces the whole Keelson rule set with {@code state}, adopting whatever a previous Keelson
     * (or a crashed one) left behind, in one atomic step per table.
     *
     * @throws BackendException when the kernel or tool refused; the previous rules are intact
     */
    Applied full(CompiledState state);

    /**
     * Applies only what {@code diff} changed, turning the applied state into {@code after}.
     *
     * @throws BackendException when refused (previous rules intact; a full sync is now required)
     * @throws IllegalStateException when {@link #needsFullSync()} is set
     */
    Applied incremental(StateDiff diff, CompiledState after);

    /** Whether the next apply must be {@link #full}: nothing applied yet, or the last apply failed. */
    boolean needsFullSync();

    /** Removes every Keelson rule, chain, set and table this backend programs; idempotent. */
    void flush();

    /** The rule set as the kernel lists it ({@code nft list table …} or {@code iptables-save} text). */
    String show();

    @Override
    void close();
}
