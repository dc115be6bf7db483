package dev.keelson.cri.sandbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One JSON file per record ({@code DIR/ID.json}), written to a temporary file and renamed so a
 * crash never leaves half a record; read back by a restarted runtime.
 */
public final class RecordFiles<T> {
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path dir;
    private final Class<T> type;

    public RecordFiles(Path dir, Class<T> type) {
        this.dir = dir;
        this.type = type;
    }

    public void write(String id, T record) {
        try {
            Files.createDirectories(dir);
            // a temporary name of the writing thread's own: two writers of one record (its exit seen by a
            // runtime and by its successor over the same root) must not rename each other's file away
            Path tmp = dir.resolve(id + ".json." + Thread.currentThread().threadId() + ".tmp");
            try {
                Files.write(tmp, JSON.writeValueAsBytes(record));
                Files.move(tmp, dir.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write record " + dir.resolve(id + ".json") + ": " + e.getMessage(), e);
        }
    }

    public void delete(String id) {
        try {
            Files.deleteIfExists(dir.resolve(id + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete record " + dir.resolve(id + ".json") + ": " + e.getMessage(), e);
        }
    }

    /** Every record in the directory (none when it does not exist). */
    public List<T> readAll() {
        List<T> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".json")).toList()) {
                out.add(JSON.readValue(p.toFile(), type));
            }
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read records in " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }
}
