package dev.keelson.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BenchReport sample() {
        return new BenchReport("netns", List.of(
                new Figure("create", 0.5, 0.4, "kernel floor (C)", "ms"),
                Figure.alone("pool take", 3.25, "µs")));
    }

    @Test
    void jsonHasTheAreaAndOneObjectPerFigureWithRatioKeelsonOverPeer(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out/netns.json");
        sample().writeJson(file);

        JsonNode root = JSON.readTree(Files.readString(file));
        assertEquals("netns", root.get("area").asText());
        List<String> names = new ArrayList<>();
        root.get("figures").fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("create", "pool take"), names, "figures keep their order");

        JsonNode create = root.get("figures").get("create");
        assertEquals(0.5, create.get("keelson").asDouble());
        assertEquals(0.4, create.get("peer").asDouble());
        assertEquals("kernel floor (C)", create.get("peerName").asText());
        assertEquals("ms", create.get("unit").asText());
        assertEquals(1.25, create.get("ratio").asDouble(), 1e-9);
    }

    @Test
    void aFigureWithoutPeerHasNullPeerPeerNameAndRatio(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.json");
        sample().writeJson(file);

        JsonNode take = JSON.readTree(file.toFile()).get("figures").get("pool take");
        assertTrue(take.has("peer") && take.get("peer").isNull());
        assertTrue(take.has("peerName") && take.get("peerName").isNull());
        assertTrue(take.has("ratio") && take.get("ratio").isNull());
        assertEquals(3.25, take.get("keelson").asDouble());
        assertEquals("µs", take.get("unit").asText());
    }

    @Test
    void jsonNumbersAreRoundedToSixSignificantDigits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.json");
        new BenchReport("x", List.of(new Figure("f", 1.0 / 3, 0.7, "p", "ms"))).writeJson(file);

        JsonNode f = JSON.readTree(file.toFile()).get("figures").get("f");
        assertEquals(0.333333, f.get("keelson").asDouble());
        assertEquals(0.47619, f.get("ratio").asDouble());
    }

    @Test
    void figureNamesMustBeUniqueBecauseTheyAreJsonKeys() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BenchReport("a",
                List.of(Figure.alone("x", 1, "ms"), Figure.alone("x", 2, "ms"))));
        assertTrue(e.getMessage().contains("\"x\""), e.getMessage());
    }

    @Test
    void ratioIsNullWithoutAPeerOrWithAZeroPeer() {
        assertEquals(null, Figure.alone("a", 1, "ms").ratio());
        assertEquals(null, new Figure("a", 1, 0.0, "p", "ms").ratio());
        assertEquals(0.5, new Figure("a", 1, 2.0, "p", "ms").ratio());
    }

    @Test
    void figureLooksUpByName() {
        assertEquals(3.25, sample().figure("pool take").orElseThrow().keelson());
        assertFalse(sample().figure("nope").isPresent());
    }
}
