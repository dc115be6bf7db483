package dev.keelson.cri.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CRI log format as the kubelet parses it: time, stream, F/P tag, content. */
class CriLogTest {
    @TempDir
    Path tmp;

    private List<String> pump(String stream, byte[] input) throws Exception {
        Path file = tmp.resolve("logs/c.log");
        try (CriLog log = CriLog.open(file)) {
            log.pump(stream, new ByteArrayInputStream(input));
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void writesOneFullEntryPerLineWithAnRfc3339NanoUtcTime() throws Exception {
        Instant before = Instant.now();
        List<String> lines = pump("stdout", "hello\n\nwörld\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(3, lines.size());
        String[] f = lines.get(0).split(" ", 4);
        Instant t = Instant.parse(f[0]);
        assertTrue(!t.isBefore(before.minusMillis(1)) && f[0].endsWith("Z"), f[0]);
        assertEquals(List.of("stdout", "F", "hello"), List.of(f[1], f[2], f[3]));
        assertTrue(lines.get(1).endsWith(" stdout F "), "an empty line is an empty F entry: " + lines.get(1));
        assertTrue(lines.get(2).endsWith(" stdout F wörld"), lines.get(2));
    }

    @Test
    void splitsLongLinesIntoPartialEntriesAndKeepsAnUnterminatedTail() throws Exception {
        byte[] big = ("x".repeat(CriLog.MAX_LINE + 10) + "\nlast").getBytes(StandardCharsets.US_ASCII);
        List<String> lines = pump("stderr", big);
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).contains(" stderr P " + "x".repeat(CriLog.MAX_LINE)) && lines.get(0).endsWith("x"));
        assertEquals(CriLog.MAX_LINE, lines.get(0).split(" ", 4)[3].length());
        assertTrue(lines.get(1).endsWith(" stderr F " + "x".repeat(10)), lines.get(1));
        assertTrue(lines.get(2).endsWith(" stderr F last"), lines.get(2));
    }

    @Test
    void appendsToAnExistingFile() throws Exception {
        pump("stdout", "one\n".getBytes(StandardCharsets.US_ASCII));
        List<String> lines = pump("stdout", "two\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).endsWith(" F two"));
    }
}
