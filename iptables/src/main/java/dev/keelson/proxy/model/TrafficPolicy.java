package dev.keelson.proxy.model;

/**
 * {@code spec.internalTrafficPolicy} / {@code spec.externalTrafficPolicy}: {@code Cluster} spreads over
 * every usable endpoint, {@code Local} only over endpoints on this node (and keeps the client's source
 * address for external traffic).
 */
public enum TrafficPolicy {
    Cluster, Local
}
