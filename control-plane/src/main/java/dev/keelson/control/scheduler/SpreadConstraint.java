package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.model.LabelSelector;

/** A {@code TopologySpreadConstraint}; {@code hard} is {@code whenUnsatisfiable: DoNotSchedule}. */
public record SpreadConstraint(int maxSkew, String topologyKey, boolean hard, LabelSelector selector, int minDomains) {

    public static SpreadConstraint of(JsonNode c) {
        return new SpreadConstraint(Math.max(1, c.path("maxSkew").asInt(1)), c.path("topologyKey").asText(),
                !"ScheduleAnyway".equals(c.path("whenUnsatisfiable").asText("DoNotSchedule")),
                LabelSelector.of(c.get("labelSelector")), Math.max(1, c.path("minDomains").asInt(1)));
    }
}
