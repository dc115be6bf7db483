package dev.keelson.control.scheduler;

import java.util.HashMap;
import java.util.Map;

/** Data plugins compute in PreFilter and read in Filter/Score, for one pod's scheduling cycle. */
public final class CycleState {
    private final Map<Class<?>, Object> data = new HashMap<>();

    public <T> void put(Class<T> type, T value) {
        data.put(type, value);
    }

    public <T> T get(Class<T> type) {
        return type.cast(data.get(type));
    }
}
