package dev.keelson.node.probe;

/**
 * One probe run: success or failure, and what the kubelet would put after
 * {@code "<Kind> probe failed: "} in its Unhealthy event.
 */
public record ProbeResult(boolean success, String message) {
    static final ProbeResult OK = new ProbeResult(true, "");

    static ProbeResult failure(String message) {
        return new ProbeResult(false, message);
    }
}
