package dev.keelson.cri.image.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cri.image.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Image records under {@code root/images/<id hex>.json}, each written to a temporary file and
 * renamed (atomic on one file system), cached in memory and guarded by this object's lock.
 *
 * <p>Blob reference counting is derived, not stored: a blob is kept while any record lists it, so
 * a counter can never drift after a crash. {@link #remove} returns what is no longer referenced.
 */
public final class ImageStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Map<String, ImageRecord> byId = new TreeMap<>();

    /** Opens (and loads) the records under {@code root}. */
    public ImageStore(Path root) {
        this.dir = root.resolve("images");
        try {
            Files.createDirectories(dir);
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (p.getFileName().toString().endsWith(".json")) {
                        ImageRecord r = JSON.readValue(p.toFile(), ImageRecord.class);
                        byId.put(r.id(), r);
                    } else {
                        Files.deleteIfExists(p); // a temporary file from an interrupted write
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load image records from " + dir, e);
        }
    }

    /** Every image. */
    public synchronized List<ImageRecord> list() {
        return List.copyOf(byId.values());
    }

    /** The image with id, repoTag or repoDigest {@code ref}, or with an id starting with {@code ref}'s hex. */
    public synchronized Optional<ImageRecord> find(String ref) {
        ImageRecord r = byId.get(ref);
        if (r != null) {
            return Optional.of(r);
        }
        for (ImageRecord i : byId.values()) {
            if (i.repoTags().contains(ref) || i.repoDigests().contains(ref)) {
                return Optional.of(i);
            }
        }
        if (ref.length() >= 12 && ref.matches("[0-9a-f]+")) {
            return byId.values().stream().filter(i -> i.id().startsWith(Digest.SHA256 + ":" + ref)).findFirst();
        }
        return Optional.empty();
    }

    /**
     * Saves {@code image}, merging names with an existing record of the same id, and takes its
     * repoTags away from any other image (a tag names one image). Returns the saved record.
     */
    public synchronized ImageRecord put(ImageRecord image) {
        ImageRecord old = byId.get(image.id());
        List<String> tags = new ArrayList<>(old == null ? List.of() : old.repoTags());
        List<String> digests = new ArrayList<>(old == null ? List.of() : old.repoDigests());
        image.repoTags().forEach(t -> { if (!tags.contains(t)) tags.add(t); });
        image.repoDigests().forEach(d -> { if (!digests.contains(d)) digests.add(d); });
        for (ImageRecord other : List.copyOf(byId.values())) {
            if (!other.id().equals(image.id()) && other.repoTags().stream().anyMatch(tags::contains)) {
                List<String> left = new ArrayList<>(other.repoTags());
                left.removeAll(tags);
                save(other.withNames(left, other.repoDigests()));
            }
        }
        ImageRecord merged = image.withNames(tags, digests);
        save(merged);
        return merged;
    }

    /**
     * Removes image {@code id} and returns the blobs and snapshots (chainIds) that no remaining
     * image references, for the caller to delete.
     */
    public synchronized Unreferenced remove(String id) {
        ImageRecord r = byId.remove(id);
        if (r == null) {
            return new Unreferenced(Set.of(), Set.of());
        }
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete image record " + id, e);
        }
        Set<String> blobs = new HashSet<>(r.blobs());
        Set<String> chains = new HashSet<>(r.chainIds());
        for (ImageRecord o : byId.values()) {
            o.blobs().forEach(blobs::remove);
            o.chainIds().forEach(chains::remove);
        }
        return new Unreferenced(blobs, chains);
    }

    /** Blobs and snapshots a removal left without an owner. */
    public record Unreferenced(Set<String> blobs, Set<String> chainIds) {
    }

    private void save(ImageRecord r) {
        Path f = file(r.id());
        Path tmp = dir.resolve(f.getFileName() + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), r);
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write image record " + f, e);
        }
        byId.put(r.id(), r);
    }

    private Path file(String id) {
        return dir.resolve(Digest.parse(id).hex() + ".json");
    }
}
