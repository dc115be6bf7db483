package dev.keelson.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTableTest {

    private static String print(BenchReport r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        r.printTable(new PrintStream(b, true, StandardCharsets.UTF_8));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsOneAlignedRowPerFigureWithDashesWhereThereIsNoPeer() {
        Figure create = new Figure("create", 0.5123, 0.4801, "kernel floor (C)", "ms");
        Figure take = Figure.alone("pool take", 3.1, "µs");
        String out = print(new BenchReport("netns", List.of(create, take)));

        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).startsWith("keelson bench netns: medians"), lines.get(0));
        assertEquals("", lines.get(1));
        assertEquals("figure     keelson   peer  peer name         ratio  unit", lines.get(2));
        assertEquals("create       0.512  0.480  kernel floor (C)  1.07×  ms", lines.get(3));
        assertEquals("pool take     3.10      -  -                     -  µs", lines.get(4));
        assertEquals(5, lines.size(), out);
    }

    @Test
    void printsTargetsWithTheirVerdictAndNotesAfterTheTable() {
        Figure create = new Figure("create", 0.55, 0.5, "kernel floor (C)", "ms");
        Figure take = Figure.alone("pool take", 60, "µs");
        BenchReport r = new BenchReport("netns", List.of(create, take),
                List.of(Target.ratioAtMost(create, 1.15, "create ≤ 1.15× the floor"),
                        Target.valueAtMost(take, 50, "pool take ≤ 50 µs"),
                        Target.valueAtMost(null, 1, "cni add ≤ 1 ms")),
                List.of("ip was not found"));
        List<String> lines = print(r).lines().toList();

        assertTrue(lines.contains("target  create ≤ 1.15× the floor: 1.10×  met"), lines.toString());
        assertTrue(lines.contains("target  pool take ≤ 50 µs: 60.0 µs  NOT met"), lines.toString());
        assertTrue(lines.contains("target  cni add ≤ 1 ms: not measured  NOT met"), lines.toString());
        assertEquals("note    ip was not found", lines.getLast());
    }

    @Test
    void numbersKeepAboutThreeSignificantDigits() {
        assertEquals("1234", Numbers.format(1234.4));
        assertEquals("12.3", Numbers.format(12.34));
        assertEquals("1.23", Numbers.format(1.234));
        assertEquals("0.123", Numbers.format(0.1234));
        assertEquals("0.0063", Numbers.format(0.00634));
    }
}
