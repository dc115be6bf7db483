package dev.keelson.proxy.model;

/**
 * {@code endpoints[].conditions} of an EndpointSlice. Kubernetes treats an unset {@code ready} or
 * {@code serving} as true and an unset {@code terminating} as false; the parser applies that.
 */
public record EndpointConditions(boolean ready, boolean serving, boolean terminating) {
    /** A ready, serving, non-terminating endpoint. */
    public static final EndpointConditions READY = new EndpointConditions(true, true, false);
}
