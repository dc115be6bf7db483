package dev.keelson.node.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kubelet's ..data layout: whole-set swaps, no-op rewrites, stale keys removed, bad paths refused. */
class AtomicWriterTest {
    @TempDir
    Path dir;

    private static FileProjection f(String s, int mode) {
        return new FileProjection(s.getBytes(StandardCharsets.UTF_8), mode);
    }

    @Test
    void swapsTheWholeSetThroughDataAndRemovesStaleKeys() throws Exception {
        assertTrue(AtomicWriter.write(dir, Map.of("a", f("1", 0644), "sub/b", f("2", 0400))));
        Path first = Files.readSymbolicLink(dir.resolve("..data"));
        assertEquals("1", Files.readString(dir.resolve("a")));
        assertEquals("2", Files.readString(dir.resolve("sub/b")));
        assertEquals(Path.of("..data/a"), Files.readSymbolicLink(dir.resolve("a")));
        assertEquals(0400, AtomicWriter.mode(Files.getPosixFilePermissions(dir.resolve("sub/b"))));

        assertFalse(AtomicWriter.write(dir, Map.of("a", f("1", 0644), "sub/b", f("2", 0400))), "unchanged: no rewrite");
        assertEquals(first, Files.readSymbolicLink(dir.resolve("..data")));

        assertTrue(AtomicWriter.write(dir, Map.of("a", f("changed", 0644))));
        Path second = Files.readSymbolicLink(dir.resolve("..data"));
        assertNotEquals(first, second);
        assertEquals("changed", Files.readString(dir.resolve("a")));
        assertFalse(Files.exists(dir.resolve("sub"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "stale key removed");
        assertFalse(Files.exists(dir.resolve(first)), "old payload directory removed");
        assertTrue(AtomicWriter.write(dir, Map.of("a", f("changed", 0600))), "a mode change is a change");
    }

    @Test
    void refusesPathsThatEscapeOrShadowTheLayout() {
        for (String bad : new String[] {"/etc/passwd", "../x", "a/../../x", "..data"}) {
            assertThrows(IllegalArgumentException.class, () -> AtomicWriter.write(dir, Map.of(bad, f("x", 0644))), bad);
        }
    }
}
