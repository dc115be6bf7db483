package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.JsonNode;

/** A pod toleration; {@code operator} is Equal (default) or Exists, an empty effect matches all. */
public record Toleration(String key, String operator, String value, String effect) {

    public static Toleration of(JsonNode t) {
        String op = t.path("operator").asText("");
        return new Toleration(t.path("key").asText(""), op.isEmpty() ? "Equal" : op,
                t.path("value").asText(""), t.path("effect").asText(""));
    }

    /** Whether this toleration tolerates {@code taint} (core/v1 Toleration.ToleratesTaint). */
    public boolean tolerates(Taint taint) {
        if (!effect.isEmpty() && !effect.equals(taint.effect())) {
            return false;
        }
        if (!key.isEmpty() && !key.equals(taint.key())) {
            return false;
        }
        return switch (operator) {
            case "Exists" -> true;
            case "Equal" -> value.equals(taint.value());
            default -> false;
        };
    }
}
