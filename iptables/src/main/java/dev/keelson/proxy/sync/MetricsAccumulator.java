package dev.keelson.proxy.sync;

import dev.keelson.proxy.backend.Applied;
import java.time.Instant;

/** Running counters behind {@link SyncMetrics}; guarded by its own monitor (read from any thread). */
final class MetricsAccumulator {
    private final String backend;
    private long syncs;
    private long fullSyncs;
    private long errors;
    private double lastMillis;
    private double totalMillis;
    private double lastApplyMillis;
    private String lastKind = "none";
    private int lastLines;
    private int services;
    private int ports;
    private int endpoints;
    private long conntrackDeleted;
    private Instant lastSync;
    private String lastError;

    MetricsAccumulator(String backend) {
        this.backend = backend;
    }

    synchronized void success(int services, int ports, long endpoints, Applied done, long nanos, long deleted,
                              String warning) {
        syncs++;
        lastMillis = nanos / 1e6;
        totalMillis += lastMillis;
        if (done != null) {
            lastKind = done.kind();
            lastLines = done.lines();
            lastApplyMillis = done.millis();
            if (done.kind().equals("full")) {
                fullSyncs++;
            }
        } else {
            lastKind = "unchanged";
            lastLines = 0;
            lastApplyMillis = 0;
        }
        this.services = services;
        this.ports = ports;
        this.endpoints = (int) endpoints;
        conntrackDeleted += deleted;
        lastSync = Instant.now();
        lastError = warning;
    }

    synchronized void failure(RuntimeException e) {
        errors++;
        lastError = e.getMessage();
    }

    synchronized SyncMetrics snapshot() {
        return new SyncMetrics(backend, syncs, fullSyncs, errors, lastMillis, syncs == 0 ? 0 : totalMillis / syncs,
                lastApplyMillis, lastKind, lastLines, services, ports, endpoints, conntrackDeleted, lastSync, lastError);
    }
}
