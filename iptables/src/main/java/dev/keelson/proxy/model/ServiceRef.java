package dev.keelson.proxy.model;

import java.util.Objects;

/** The namespace and name of a Service; EndpointSlices point at it through {@code kubernetes.io/service-name}. */
public record ServiceRef(String namespace, String name) implements Comparable<ServiceRef> {

    public ServiceRef {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public int compareTo(ServiceRef o) {
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
