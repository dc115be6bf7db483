package dev.keelson.cri.server;

/**
 * Decides the {@code NetworkReady} condition that {@code Status} reports. Called on every
 * {@code Status} RPC (the kubelet polls every few seconds), so it should be cheap.
 */
@FunctionalInterface
public interface NetworkCheck {
    /** The kubelet's reason when the pod network is not ready (it matches on this string). */
    String NOT_READY_REASON = "NetworkPluginNotReady";

    /** The current state of the pod network. */
    Readiness check();

    /** A condition: ready, or not ready with a machine-readable reason and a message for people. */
    record Readiness(boolean ready, String reason, String message) {
        public static Readiness isReady() {
            return new Readiness(true, "", "");
        }

        public static Readiness notReady(String message) {
            return new Readiness(false, NOT_READY_REASON, message);
        }
    }
}
