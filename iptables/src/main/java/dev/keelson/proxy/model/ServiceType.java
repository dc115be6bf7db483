package dev.keelson.proxy.model;

/** {@code spec.type} of a Service (ExternalName is not proxied and is rejected by the parser). */
public enum ServiceType {
    ClusterIP, NodePort, LoadBalancer
}
