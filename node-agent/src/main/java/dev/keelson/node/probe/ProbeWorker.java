package dev.keelson.node.probe;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The state of one probe of one container instance: consecutive successes and failures against
 * {@code successThreshold} / {@code failureThreshold}, and the current verdict (null: unknown).
 */
final class ProbeWorker {
    enum Change { NONE, BECAME_SUCCESS, BECAME_FAILED }

    final ProbeKind kind;
    final String podUid;
    final JsonNode container;
    final String containerId;
    final JsonNode spec;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile JsonNode pod;
    volatile boolean held;
    volatile Boolean result;
    private int successes;
    private int failures;

    ProbeWorker(ProbeKind kind, String podUid, JsonNode container, String containerId, JsonNode spec) {
        this.kind = kind;
        this.podUid = podUid;
        this.container = container;
        this.containerId = containerId;
        this.spec = spec;
        // the kubelet's initial verdicts: not ready until proven, alive until proven otherwise
        this.result = switch (kind) {
            case READINESS -> Boolean.FALSE;
            case LIVENESS -> Boolean.TRUE;
            case STARTUP -> null;
        };
    }

    String key() {
        return containerId + "/" + kind;
    }

    /** Counts one run and says whether the verdict flipped. Runs are serialized per worker. */
    synchronized Change record(boolean ok) {
        int successThreshold = kind == ProbeKind.READINESS ? Math.max(1, spec.path("successThreshold").asInt(1)) : 1;
        int failureThreshold = Math.max(1, spec.path("failureThreshold").asInt(3));
        if (ok) {
            failures = 0;
            successes++;
            if (successes >= successThreshold && !Boolean.TRUE.equals(result)) {
                result = Boolean.TRUE;
                return Change.BECAME_SUCCESS;
            }
        } else {
            successes = 0;
            failures++;
            if (failures >= failureThreshold && !Boolean.FALSE.equals(result)) {
                result = Boolean.FALSE;
                return Change.BECAME_FAILED;
            }
        }
        return Change.NONE;
    }
}
