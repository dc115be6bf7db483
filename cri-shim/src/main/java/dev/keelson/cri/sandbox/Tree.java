package dev.keelson.cri.sandbox;

import dev.keelson.cri.image.unpack.LayerUnpacker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Recursive delete of a state directory (symlinks are removed, never followed). */
public final class Tree {
    private Tree() {
    }

    /** Deletes {@code dir} and everything under it; a missing directory is fine. */
    public static void delete(Path dir) {
        try {
            dev.keelson.linux.FileTrees.delete(dir);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
