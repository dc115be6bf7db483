package dev.keelson.cri.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Recursive delete of a state directory (symlinks are removed, never followed), now or in the
 * background: {@link #discard} renames {@code KIND/ID} to {@code .trash/KIND-ID-N} beside
 * {@code KIND} (one rename(2) within the state root) and deletes it on a virtual thread, so an RPC does not wait for a container's upper
 * layer to be unlinked file by file — as containerd leaves snapshot removal to its garbage
 * collector. What a crash leaves half-deleted is swept at the next start ({@link #sweep}).
 */
public final class Tree {
    private Tree() {
    }

    /** Where directories wait for their deletion, beside the directory that held them. */
    static final String TRASH = ".trash";

    /** Moves {@code dir} to the trash beside its parent and deletes it in the background; a missing directory is fine. */
    public static void discard(Path dir) {
        Path trash = trashOf(dir.getParent()).resolve(dir.getParent().getFileName() + "-" + dir.getFileName() + "-" + System.nanoTime());
        try {
            Files.createDirectories(trash.getParent());
            Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            delete(dir); // cannot rename (e.g. busy): delete in place, now
            return;
        }
        Thread.ofVirtual().name("keelson-cri-discard").start(() -> delete(trash));
    }

    /** The trash for directories of {@code kind} (e.g. {@code ROOT/sandboxes}): {@code ROOT/.trash}. */
    private static Path trashOf(Path kind) {
        return kind.resolveSibling(TRASH);
    }

    /** Deletes what {@link #discard} left in the trash beside {@code kind} (a crash stopped its deletion). */
    public static void sweep(Path kind) {
        try (Stream<Path> s = Files.list(trashOf(kind))) {
            s.forEach(Tree::delete);
        } catch (NoSuchFileException e) {
            // nothing yet
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + trashOf(kind) + ": " + e.getMessage(), e);
        }
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
