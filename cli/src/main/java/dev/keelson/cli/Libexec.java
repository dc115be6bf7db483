package dev.keelson.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds Keelson's helper programs (built from native/c) — see bin/keelson, which sets {@code keelson.libexec}. */
final class Libexec {
    private Libexec() {
    }

    static Path program(String name) {
        String dir = System.getProperty("keelson.libexec");
        if (dir == null) {
            throw new IllegalStateException("keelson.libexec is not set; run Keelson through bin/keelson");
        }
        Path p = Path.of(dir, name);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException("helper program " + p + " is missing; rebuild with bin/mvn package");
        }
        return p;
    }
}
