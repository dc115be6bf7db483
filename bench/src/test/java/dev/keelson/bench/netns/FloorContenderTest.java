package dev.keelson.bench.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keelson.bench.Samples;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class FloorContenderTest {

    @Test
    void eachLineGivesACreateAndADeleteInNanoseconds() throws IOException {
        Samples create = new Samples();
        Samples delete = new Samples();
        FloorContender.parse("250000 12000", create, delete);
        FloorContender.parse(" 270000\t14000 ", create, delete);
        assertEquals(2, create.count());
        assertEquals(260_000, create.medianNanos());
        assertEquals(0.013, delete.medianMillis(), 1e-12);
    }

    @Test
    void anythingElseIsAnErrorQuotingTheLine() {
        Samples s = new Samples();
        var e = assertThrows(IOException.class, () -> FloorContender.parse("usage: x", s, s));
        assertEquals("unexpected line from keelson-netns-floor: \"usage: x\"", e.getMessage());
        assertThrows(IOException.class, () -> FloorContender.parse("1 2 3", s, s));
        assertThrows(IOException.class, () -> FloorContender.parse("", s, s));
    }
}
