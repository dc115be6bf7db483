package dev.keelson.control.controller;

import static dev.keelson.control.controller.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.Resource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceStatusTest {
    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    static JsonNode condition(ObjectNode status, String type) {
        return Conditions.find(status.path("conditions"), type);
    }

    @Test
    void remainingContentIsNamedSortedWithCounts() {
        var content = new NamespaceStatus.Content(Map.of("pods.", 2, "replicasets.apps", 1, "secrets.", 0),
                Map.of("example.com/protect", 1), List.of());
        ObjectNode st = NamespaceStatus.of(json("{}"), content, NOW);
        assertEquals("Terminating", st.path("phase").asText());
        JsonNode remaining = condition(st, "NamespaceContentRemaining");
        assertEquals("True", remaining.path("status").asText());
        assertEquals("SomeResourcesRemain", remaining.path("reason").asText());
        assertEquals("Some resources are remaining: pods. has 2 resource instances, replicasets.apps has 1 resource instances",
                remaining.path("message").asText());
        JsonNode fin = condition(st, "NamespaceFinalizersRemaining");
        assertEquals("Some content in the namespace has finalizers remaining: example.com/protect in 1 resource instances",
                fin.path("message").asText());
        assertEquals("False", condition(st, "NamespaceDeletionContentFailure").path("status").asText());
    }

    @Test
    void emptyNamespaceReportsEverythingDone() {
        var content = new NamespaceStatus.Content(Map.of(), Map.of(), List.of());
        ObjectNode st = NamespaceStatus.of(json("{}"), content, NOW);
        assertEquals(true, content.empty());
        assertEquals("ContentRemoved", condition(st, "NamespaceContentRemaining").path("reason").asText());
        assertEquals("False", condition(st, "NamespaceContentRemaining").path("status").asText());
        assertEquals("ContentHasNoFinalizers", condition(st, "NamespaceFinalizersRemaining").path("reason").asText());
        assertEquals("ResourcesDiscovered", condition(st, "NamespaceDeletionDiscoveryFailure").path("reason").asText());
    }

    @Test
    void deleteFailuresAreReported() {
        var content = new NamespaceStatus.Content(Map.of("pods.", 1), Map.of(), List.of("pods.: forbidden"));
        JsonNode c = condition(NamespaceStatus.of(json("{}"), content, NOW), "NamespaceDeletionContentFailure");
        assertEquals("True", c.path("status").asText());
        assertEquals("ContentDeletionFailed", c.path("reason").asText());
    }

    @Test
    void unchangedContentGivesAnIdenticalStatus() {
        var content = new NamespaceStatus.Content(Map.of("pods.", 2), Map.of(), List.of());
        ObjectNode first = NamespaceStatus.of(json("{}"), content, NOW);
        ObjectNode second = NamespaceStatus.of(first, content, NOW.plusSeconds(30));
        assertEquals(first, second, "transition times are kept, so no write happens");
        ObjectNode third = NamespaceStatus.of(first, new NamespaceStatus.Content(Map.of(), Map.of(), List.of()), NOW.plusSeconds(60));
        assertEquals("2026-11-20T10:01:00Z", condition(third, "NamespaceContentRemaining").path("lastTransitionTime").asText());
    }

    @Test
    void typesAreDisplayedAsPluralDotGroup() {
        assertEquals("pods.", NamespaceStatus.display(Resource.PODS));
        assertEquals("deployments.apps", NamespaceStatus.display(Resource.DEPLOYMENTS));
    }
}
