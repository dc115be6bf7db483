package dev.keelson.control.api.registry;

import java.util.List;

/**
 * A subresource such as {@code pods/status} or {@code deployments/scale}, with the kind it reads
 * and writes (which may belong to another group: a Scale is {@code autoscaling/v1}).
 */
public record Subresource(String name, String group, String version, String kind, List<String> verbs) {

    /** The {@code status} subresource of a kind: same kind, get/patch/update. */
    public static Subresource status(String group, String version, String kind) {
        return new Subresource("status", group, version, kind, List.of("get", "patch", "update"));
    }

    /** The {@code scale} subresource ({@code autoscaling/v1 Scale}). */
    public static Subresource scale() {
        return new Subresource("scale", "autoscaling", "v1", "Scale", List.of("get", "patch", "update"));
    }
}
