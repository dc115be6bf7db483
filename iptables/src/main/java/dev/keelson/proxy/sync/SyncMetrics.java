package dev.keelson.proxy.sync;

import java.time.Instant;

/**
 * What the sync loop has done, for {@code keelson proxy show} and monitoring.
 *
 * @param backend            backend name
 * @param syncs              successful syncs
 * @param fullSyncs          of which full
 * @param errors             failed syncs
 * @param lastSyncMillis     duration of the last successful sync (compile + diff + apply + conntrack)
 * @param avgSyncMillis      average duration of successful syncs
 * @param lastApplyMillis    kernel apply time of the last successful sync
 * @param lastKind           {@code full} or {@code incremental} (or {@code none})
 * @param lastLines          lines sent by the last successful sync
 * @param services           services in the applied state
 * @param servicePorts       compiled units (service port × family) in the applied state
 * @param endpoints          endpoint entries over all units in the applied state
 * @param conntrackDeleted   UDP conntrack entries deleted so far
 * @param lastSync           when the last successful sync finished, or null
 * @param lastError          message of the last failure, or null when the last sync succeeded
 */
public record SyncMetrics(String backend, long syncs, long fullSyncs, long errors, double lastSyncMillis,
                          double avgSyncMillis, double lastApplyMillis, String lastKind, int lastLines, int services,
                          int servicePorts, int endpoints, long conntrackDeleted, Instant lastSync, String lastError) {
}
