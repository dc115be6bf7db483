package dev.keelson.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Finds system programs ({@code ip}, {@code nsenter}, …) the way a shell would, plus the sbin directories root's PATH may lack. */
public final class Executables {
    private static final List<Path> SYSTEM_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/bin"), Path.of("/bin"));

    private Executables() {
    }

    /** {@code name} on PATH or in the usual system directories; empty when absent. */
    public static Optional<Path> lookup(String name) {
        Set<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        dirs.addAll(SYSTEM_DIRS);
        for (Path d : dirs) {
            Path p = d.resolve(name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The absolute path of {@code name}, or an {@link IllegalStateException} naming the Debian package that has it. */
    public static String find(String name, String debianPackage) {
        return lookup(name).map(Path::toString).orElseThrow(() -> new IllegalStateException(
                name + " is not installed (not on PATH nor in /usr/sbin, /sbin, /usr/bin, /bin); install it: apt-get install "
                        + debianPackage));
    }
}
