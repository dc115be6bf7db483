package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A pod's quality-of-service class as Kubernetes computes it for {@code status.qosClass}:
 * Guaranteed when every container limits cpu and memory with requests equal to the limits,
 * BestEffort when no container requests or limits anything, Burstable otherwise.
 */
final class QosClass {
    private QosClass() {}

    static String of(JsonNode spec) {
        boolean any = false;
        boolean guaranteed = true;
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                JsonNode requests = c.path("resources").path("requests");
                JsonNode limits = c.path("resources").path("limits");
                any |= requests.size() > 0 || limits.size() > 0;
                for (String r : new String[] {"cpu", "memory"}) {
                    JsonNode limit = limits.get(r);
                    JsonNode request = requests.get(r);
                    if (limit == null || (request != null && !request.asText().equals(limit.asText()))) {
                        guaranteed = false;
                    }
                }
            }
        }
        if (!any) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
