package dev.keelson.bench.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PlanTest {

    @Test
    void roundsCoverEveryIterationAndTheLastRoundMayBeShort() {
        Plan p = new Plan(25, 10, 0, 0, 0, 1, 0, 1, 0);
        assertEquals(3, p.rounds());
        assertEquals(10, p.batchOf(0));
        assertEquals(10, p.batchOf(1));
        assertEquals(5, p.batchOf(2));
    }

    @Test
    void quickRunsTwoHundredPairsAndTheFullRunAThousandBothAfterAFullWarmUp() {
        assertEquals(200, Plan.of(true).iterations());
        assertEquals(1000, Plan.of(false).iterations());
        assertEquals(Plan.of(true).iterations(), Plan.of(true).rounds() * Plan.of(true).batch());
        assertTrue(Plan.of(true).keelsonWarmup() >= 10_000, "a short warm-up measures the JIT, not Keelson");
    }

    @Test
    void rejectsEmptyOrNegativePlans() {
        assertThrows(IllegalArgumentException.class, () -> new Plan(0, 10, 0, 0, 0, 1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Plan(10, 10, -1, 0, 0, 1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Plan(10, 10, 0, 0, 0, 1, 0, 1, -5));
    }
}
