package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A node taint; effect is NoSchedule, PreferNoSchedule or NoExecute. */
public record Taint(String key, String value, String effect) {

    public static Taint of(JsonNode t) {
        return new Taint(t.path("key").asText(""), t.path("value").asText(""), t.path("effect").asText(""));
    }

    public boolean toleratedBy(List<Toleration> tolerations) {
        for (Toleration t : tolerations) {
            if (t.tolerates(this)) {
                return true;
            }
        }
        return false;
    }

    /** How the scheduler's events print it: {@code {key: value}}. */
    @Override
    public String toString() {
        return "{" + key + (value.isEmpty() ? "" : ": " + value) + "}";
    }
}
