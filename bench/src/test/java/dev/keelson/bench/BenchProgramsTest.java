package dev.keelson.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchProgramsTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(BenchPrograms.BIN_PROPERTY);
    }

    @Test
    void thePropertyNamesTheDirectoryOfTheFloorPrograms(@TempDir Path dir) throws Exception {
        Path p = Files.createFile(dir.resolve("keelson-test-floor"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        System.setProperty(BenchPrograms.BIN_PROPERTY, dir.toString());
        assertEquals(p, BenchPrograms.floorProgram("keelson-test-floor"));
    }

    @Test
    void aMissingProgramIsReportedWithWhereItWasLookedFor(@TempDir Path dir) {
        System.setProperty(BenchPrograms.BIN_PROPERTY, dir.toString());
        var e = assertThrows(IllegalStateException.class, () -> BenchPrograms.floorProgram("keelson-nope"));
        assertTrue(e.getMessage().contains("keelson-nope is missing (looked in " + dir + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dkeelson.bench.bin"), e.getMessage());
    }

    @Test
    void withoutThePropertyTheBinDirectoryBesideTheClassesIsSearched() {
        // Tests run from target/classes, so the floor programs are looked for in target/bin.
        Path expected = Path.of("target/bin").toAbsolutePath().normalize();
        assertTrue(BenchPrograms.floorDirs().contains(expected), BenchPrograms.floorDirs().toString());
    }

    @Test
    void aToolIsFoundInTheSystemDirectoriesOrNotAtAll() {
        assertTrue(BenchPrograms.tool("sh").isPresent());
        assertTrue(BenchPrograms.tool("keelson-no-such-tool").isEmpty());
    }
}
