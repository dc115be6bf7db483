package dev.keelson.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directory trees Keelson makes and removes (state dirs, volumes, scratch space). */
public final class FileTrees {
    private FileTrees() {}

    /**
     * Deletes {@code root} and everything below it, deepest first. Symbolic links are removed, never
     * followed (a volume's {@code ..data} link must not take its target's owner's files with it).
     * A missing root is fine.
     */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
