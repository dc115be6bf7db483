package dev.keelson.proxy.model;

/**
 * {@code spec.sessionAffinity: ClientIP} with {@code sessionAffinityConfig.clientIP.timeoutSeconds};
 * {@link #NONE} when the Service has no affinity.
 *
 * @param timeoutSeconds how long a client sticks to its endpoint after its last new connection; 0 = no affinity
 */
public record SessionAffinity(int timeoutSeconds) {
    /** No affinity. */
    public static final SessionAffinity NONE = new SessionAffinity(0);
    /** Kubernetes' default ClientIP timeout: 3 hours. */
    public static final int DEFAULT_TIMEOUT = 10800;

    public boolean enabled() {
        return timeoutSeconds > 0;
    }
}
