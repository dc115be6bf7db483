package dev.keelson.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds the programs a benchmark runs: Keelson's own floor programs (built from {@code bench/c}
 * into {@code bench/target/bin}) and the peer tools on the machine ({@code ip}).
 */
public final class BenchPrograms {
    /** System property naming the directory of the floor programs; overrides the search. */
    public static final String BIN_PROPERTY = "keelson.bench.bin";
    /** Where root's tools live even when PATH (e.g. under sudo or in a service) leaves them out. */
    private BenchPrograms() {
    }

    /**
     * The floor program {@code name}: in the directory named by {@value #BIN_PROPERTY}, else in
     * {@code bin} beside this module's classes ({@code target/classes/../bin}) or jar
     * ({@code lib/keelson-bench.jar} → {@code lib/../bin}, then {@code lib/bin}). Throws
     * {@link IllegalStateException} naming every place looked at when it is not there.
     */
    public static Path floorProgram(String name) {
        List<Path> dirs = floorDirs();
        for (Path d : dirs) {
            Path p = d.resolve(name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("the kernel-floor program " + name + " is missing (looked in "
                + dirs.stream().map(Path::toString).collect(Collectors.joining(", "))
                + "); build it with `bin/mvn -q install -DskipTests -pl bench` (needs make and a C compiler)"
                + " or set -D" + BIN_PROPERTY + "=DIR to the directory holding it");
    }

    /** A tool such as {@code ip} on PATH or in the usual system directories; empty when absent. */
    public static Optional<Path> tool(String name) {
        return dev.keelson.linux.Executables.lookup(name);
    }

    static List<Path> floorDirs() {
        String prop = System.getProperty(BIN_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return List.of(Path.of(prop));
        }
        List<Path> dirs = new ArrayList<>();
        Path here = codeLocation();
        if (here != null) {
            if (Files.isDirectory(here)) {
                dirs.add(here.resolve("../bin").normalize());
            } else if (here.getParent() != null) {
                dirs.add(here.getParent().resolve("../bin").normalize());
                dirs.add(here.getParent().resolve("bin"));
            }
        }
        return dirs;
    }

    /** The classes directory or jar this class was loaded from, or null when unknown. */
    private static Path codeLocation() {
        CodeSource cs = BenchPrograms.class.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(cs.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
