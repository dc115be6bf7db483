package dev.keelson.node.volume;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.node.Quantities;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * {@code resourceFieldRef} values, for env and downwardAPI volumes alike: a container's
 * {@code limits.*} or {@code requests.*} divided by {@code divisor} and rounded up, as the
 * kubelet's {@code ExtractContainerResourceValue} does. A limit the container does not set is the
 * node's allocatable amount.
 */
public final class ResourceFields {
    /** The node's allocatable CPU (millicores), memory and ephemeral storage (bytes). */
    public record Allocatable(long milliCpu, long memoryBytes, long ephemeralBytes) {}

    private ResourceFields() {}

    /**
     * @param resource {@code limits.cpu}, {@code requests.memory}, …
     * @param divisor a quantity; empty means 1
     * @throws IllegalArgumentException for an unknown resource or a container not in the pod
     */
    public static String value(JsonNode pod, String containerName, String resource, String divisor, Allocatable node) {
        JsonNode container = dev.keelson.node.PodSpecs.container(pod, containerName);
        if (container.isMissingNode()) {
            throw new IllegalArgumentException("resourceFieldRef: container \"" + containerName + "\" is not in the pod");
        }
        int dot = resource.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("resourceFieldRef: unsupported resource \"" + resource + "\"");
        }
        String kind = resource.substring(0, dot);
        String name = resource.substring(dot + 1);
        if (!kind.equals("limits") && !kind.equals("requests")) {
            throw new IllegalArgumentException("resourceFieldRef: unsupported resource \"" + resource + "\"");
        }
        JsonNode r = container.path("resources");
        String q = r.path(kind).path(name).asText("");
        if (q.isEmpty() && kind.equals("requests")) {
            q = r.path("limits").path(name).asText(""); // the API server defaults a missing request to the limit
        }
        String d = divisor == null || divisor.isEmpty() ? "1" : divisor;
        switch (name) {
            case "cpu" -> {
                long milli = q.isEmpty() ? (kind.equals("limits") ? node.milliCpu() : 0) : Quantities.milliCpu(q);
                return ceilDiv(BigDecimal.valueOf(milli), BigDecimal.valueOf(Quantities.milliCpu(d)));
            }
            case "memory", "ephemeral-storage" -> {
                long fallback = name.equals("memory") ? node.memoryBytes() : node.ephemeralBytes();
                BigDecimal v = q.isEmpty() ? BigDecimal.valueOf(kind.equals("limits") ? fallback : 0) : Quantities.parse(q);
                return ceilDiv(v, Quantities.parse(d));
            }
            default -> throw new IllegalArgumentException("resourceFieldRef: unsupported resource \"" + resource + "\"");
        }
    }

    private static String ceilDiv(BigDecimal v, BigDecimal divisor) {
        if (divisor.signum() <= 0) {
            throw new IllegalArgumentException("resourceFieldRef: divisor must be positive");
        }
        return v.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
    }
}
