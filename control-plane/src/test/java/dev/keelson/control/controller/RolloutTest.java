package dev.keelson.control.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RolloutTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest(name = "replicas {0}, surge {1}, unavailable {2} → {3}/{4}")
    @CsvSource({
            "10, '\"25%\"', '\"25%\"', 3, 2",   // surge rounds up, unavailable rounds down
            "3, '\"25%\"', '\"25%\"', 1, 0",
            "4, 0, 0, 0, 1",                    // both zero: one may be unavailable so the rollout can move
            "5, 2, 1, 2, 1",
            "1, null, null, 1, 0"})
    void limitsFollowKubernetesRounding(int replicas, String surge, String unavailable, int wantSurge, int wantUnavailable)
            throws Exception {
        ObjectNode ru = MAPPER.createObjectNode();
        if (!surge.equals("null")) {
            ru.set("maxSurge", MAPPER.readTree(surge));
        }
        if (!unavailable.equals("null")) {
            ru.set("maxUnavailable", MAPPER.readTree(unavailable));
        }
        assertArrayEquals(new int[] {wantSurge, wantUnavailable}, Rollout.limits(ru, replicas));
    }

    @Test
    void templateHashIsStableAndChangesWithTheTemplate() throws Exception {
        var a = MAPPER.readTree("{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1\"}]}}");
        var reordered = MAPPER.readTree("{\"spec\":{\"containers\":[{\"image\":\"nginx:1\",\"name\":\"c\"}]},\"metadata\":{\"labels\":{\"app\":\"web\"}}}");
        var b = MAPPER.readTree("{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:2\"}]}}");
        assertEquals(TemplateHash.of(a, 0), TemplateHash.of(reordered, 0));
        assertNotEquals(TemplateHash.of(a, 0), TemplateHash.of(b, 0));
        assertNotEquals(TemplateHash.of(a, 0), TemplateHash.of(a, 1));
        assertEquals(true, TemplateHash.of(a, 0).matches("[bcdfghjklmnpqrstvwxz2456789]+"));
    }
}
