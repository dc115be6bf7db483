package dev.keelson.cri.image.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which snapshots (chainIDs) a container's root filesystem is mounted from, one file per owner
 * under {@code root/leases/<owner>}: a line per chainID. Removing an image keeps leased snapshots
 * (containerd removes the image record and lets the snapshots live until their container goes);
 * releasing the last lease lets them go. Kept on disk so a restarted runtime still knows.
 */
public final class SnapshotLeases {
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private final Path dir;
    private final Map<String, List<String>> byOwner = new TreeMap<>();

    /** Opens (and loads) the leases under {@code root}. */
    public SnapshotLeases(Path root) {
        this.dir = root.resolve("leases");
        try {
            Files.createDirectories(dir);
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(".tmp")) {
                        Files.deleteIfExists(p); // an interrupted write: its owner never got its rootfs
                    } else {
                        byOwner.put(name, List.copyOf(Files.readAllLines(p)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load snapshot leases from " + dir, e);
        }
    }

    /** Records that {@code owner} uses {@code chainIds} (replacing an earlier lease of the same owner). */
    public synchronized void acquire(String owner, List<String> chainIds) {
        if (!OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("invalid lease owner \"" + owner + "\"");
        }
        Path f = dir.resolve(owner);
        Path tmp = dir.resolve(owner + ".tmp");
        try {
            Files.write(tmp, chainIds);
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot lease " + f, e);
        }
        byOwner.put(owner, List.copyOf(chainIds));
    }

    /** Drops {@code owner}'s lease and returns the chainIDs it held (empty when it had none). */
    public synchronized List<String> release(String owner) {
        List<String> held = byOwner.remove(owner);
        if (held == null) {
            return List.of();
        }
        try {
            Files.deleteIfExists(dir.resolve(owner));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete snapshot lease " + dir.resolve(owner), e);
        }
        return held;
    }

    /** Every chainID some owner holds. */
    public synchronized Set<String> leased() {
        Set<String> out = new HashSet<>();
        byOwner.values().forEach(out::addAll);
        return out;
    }

    /** The owners holding leases. */
    public synchronized Set<String> owners() {
        return Set.copyOf(byOwner.keySet());
    }
}
