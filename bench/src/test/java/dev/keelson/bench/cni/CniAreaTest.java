package dev.keelson.bench.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.keelson.bench.BenchAreas;
import org.junit.jupiter.api.Test;

/** {@code keelson bench cni} finds this area. */
class CniAreaTest {
    @Test
    void theAreaIsRegisteredAsCni() {
        assertInstanceOf(CniBench.class, BenchAreas.find("CNI").orElseThrow());
        assertEquals("cni", BenchAreas.find("cni").orElseThrow().name());
        assertEquals(1, BenchAreas.all().stream().filter(a -> a instanceof CniBench).count());
    }
}
