package dev.keelson.cli.proxy;

import dev.keelson.proxy.compile.NodeConfig;

/**
 * What {@code keelson proxy apply} (or {@code run}) last programmed in one network namespace, kept
 * in a state file so that the next {@code apply} is incremental and {@code show}/{@code trace} can
 * answer without the manifests.
 *
 * @param backend       the backend that holds the rules
 * @param mark          {@link BackendKind#mark()} right after the last successful apply
 * @param needsFullSync the last apply failed: the kernel still holds {@link #sources}, but the next
 *                      apply must be full (an iptables-legacy nat COMMIT may have half-applied)
 * @param node          the node configuration compiled for
 * @param sources       the manifests the kernel's rules were compiled from
 * @param history       counters and the last sync's figures
 */
public record ProxyState(BackendKind backend, long mark, boolean needsFullSync, NodeConfig node,
                         ManifestSources sources, History history) {

    /**
     * Sync counters across CLI invocations (the {@code SyncMetrics} of one process, accumulated).
     *
     * @param syncs            successful applies
     * @param fullSyncs        of which full
     * @param errors           refused applies
     * @param lastKind         {@code full}, {@code incremental} or {@code unchanged}
     * @param lastLines        lines sent by the last successful apply
     * @param lastSyncMillis   compile, diff, apply and conntrack cleanup of the last successful apply
     * @param lastApplyMillis  the kernel apply alone
     * @param conntrackDeleted stale UDP conntrack entries deleted so far
     * @param lastSync         ISO-8601 time of the last successful apply, or null
     * @param lastError        the last failure's message, or null when the last apply succeeded
     */
    public record History(long syncs, long fullSyncs, long errors, String lastKind, int lastLines,
                          double lastSyncMillis, double lastApplyMillis, long conntrackDeleted, String lastSync,
                          String lastError) {

        /** No sync yet. */
        public static History none() {
            return new History(0, 0, 0, "none", 0, 0, 0, 0, null, null);
        }

        /** This history after a successful sync. */
        public History success(String kind, int lines, double syncMillis, double applyMillis, long deleted,
                               String when) {
            return new History(syncs + 1, fullSyncs + (kind.equals("full") ? 1 : 0), errors, kind, lines,
                    syncMillis, applyMillis, conntrackDeleted + deleted, when, null);
        }

        /** This history after a failure. */
        public History failure(String message) {
            return new History(syncs, fullSyncs, errors + 1, lastKind, lastLines, lastSyncMillis, lastApplyMillis,
                    conntrackDeleted, lastSync, message);
        }
    }

    /** This state marked as needing a full sync after {@code message}. */
    public ProxyState failed(String message) {
        return new ProxyState(backend, mark, true, node, sources, history.failure(message));
    }
}
