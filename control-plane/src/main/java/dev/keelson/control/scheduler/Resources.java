package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.model.Quantity;
import java.util.Map;
import java.util.TreeMap;

/**
 * A resource vector: CPU in millicores, memory and ephemeral storage in bytes, a pod count, and
 * any extended resources (e.g. {@code example.com/gpu}) by name.
 */
public record Resources(long milliCpu, long memory, long ephemeralStorage, long pods, Map<String, Long> scalars) {

    public static final Resources NONE = new Resources(0, 0, 0, 0, Map.of());

    /** Reads a {@code ResourceList} ({@code {"cpu": "500m", "memory": "1Gi", "pods": "110"}}). */
    public static Resources of(JsonNode list) {
        if (list == null || !list.isObject()) {
            return NONE;
        }
        long cpu = 0;
        long mem = 0;
        long eph = 0;
        long pods = 0;
        Map<String, Long> scalars = Map.of();
        for (var e : list.properties()) {
            Quantity q = Quantity.parse(e.getValue().asText());
            switch (e.getKey()) {
                case "cpu" -> cpu = q.milliValue();
                case "memory" -> mem = q.value();
                case "ephemeral-storage" -> eph = q.value();
                case "pods" -> pods = q.value();
                default -> {
                    if (scalars.isEmpty()) {
                        scalars = new TreeMap<>();
                    }
                    scalars.put(e.getKey(), q.value());
                }
            }
        }
        return new Resources(cpu, mem, eph, pods, scalars);
    }

    public Resources plus(Resources o) {
        return new Resources(milliCpu + o.milliCpu, memory + o.memory, ephemeralStorage + o.ephemeralStorage,
                pods + o.pods, mergeScalars(o, 1));
    }

    public Resources minus(Resources o) {
        return new Resources(milliCpu - o.milliCpu, memory - o.memory, ephemeralStorage - o.ephemeralStorage,
                pods - o.pods, mergeScalars(o, -1));
    }

    /** Component-wise maximum (init containers run one at a time, so a pod needs the larger). */
    public Resources max(Resources o) {
        Map<String, Long> s = new TreeMap<>(scalars);
        o.scalars.forEach((k, v) -> s.merge(k, v, Math::max));
        return new Resources(Math.max(milliCpu, o.milliCpu), Math.max(memory, o.memory),
                Math.max(ephemeralStorage, o.ephemeralStorage), Math.max(pods, o.pods), s);
    }

    public long scalar(String name) {
        return scalars.getOrDefault(name, 0L);
    }

    private Map<String, Long> mergeScalars(Resources o, int sign) {
        if (o.scalars.isEmpty()) {
            return scalars;
        }
        Map<String, Long> s = new TreeMap<>(scalars);
        o.scalars.forEach((k, v) -> s.merge(k, sign * v, Long::sum));
        return s;
    }
}
