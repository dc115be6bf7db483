package dev.keelson.node.volume;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes a set of files into a volume directory so that a container never sees a half-updated
 * set, as the kubelet's {@code AtomicWriter} does:
 *
 * <pre>
 *   &lt;dir&gt;/..2026_11_02_10_00_00.123     the payload, written in full first
 *   &lt;dir&gt;/..data -&gt; ..2026_11_02_10_00_00.123   swapped with one rename(2) of a new symlink
 *   &lt;dir&gt;/&lt;key&gt;  -&gt; ..data/&lt;key&gt;         what the user sees; resolves through ..data
 * </pre>
 *
 * A reader that opens {@code <key>} gets either the old or the new file, never a mix. Nothing
 * is rewritten when the payload is unchanged.
 */
public final class AtomicWriter {
    static final String DATA = "..data";
    private static final String DATA_TMP = "..data_tmp";
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss");

    private AtomicWriter() {}

    /**
     * Makes {@code dir} hold exactly {@code payload} (relative paths → files).
     *
     * @return true when anything changed
     * @throws IllegalArgumentException for a path that is absolute, contains {@code ..} or starts with {@code ..}
     */
    public static boolean write(Path dir, Map<String, FileProjection> payload) throws IOException {
        payload.keySet().forEach(AtomicWriter::validate);
        Files.createDirectories(dir);
        Path data = dir.resolve(DATA);
        Path oldTarget = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
        if (oldTarget != null && same(oldTarget, payload)) {
            return false;
        }
        Path ts = Files.createTempDirectory(dir, ".." + LocalDateTime.now(ZoneOffset.UTC).format(TS) + ".");
        Files.setPosixFilePermissions(ts, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (var e : payload.entrySet()) {
            Path f = ts.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.write(f, e.getValue().data());
            Files.setPosixFilePermissions(f, permissions(e.getValue().mode()));
        }
        Path tmp = dir.resolve(DATA_TMP);
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, ts.getFileName());
        // rename(2) replaces the old ..data symlink in one step
        Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        Set<String> visible = new HashSet<>();
        for (String p : payload.keySet()) {
            visible.add(Path.of(p).getName(0).toString());
        }
        for (String name : visible) {
            Path link = dir.resolve(name);
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of(DATA, name));
            }
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (!name.startsWith("..") && !visible.contains(name) && Files.isSymbolicLink(e)) {
                    Files.delete(e);
                }
            }
        }
        if (oldTarget != null && !oldTarget.equals(ts)) {
            dev.keelson.linux.FileTrees.delete(oldTarget);
        }
        return true;
    }

    private static boolean same(Path current, Map<String, FileProjection> payload) throws IOException {
        Map<String, FileProjection> have = new HashMap<>();
        if (!Files.isDirectory(current)) {
            return false;
        }
        try (var walk = Files.walk(current)) {
            for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                have.put(current.relativize(f).toString(), new FileProjection(Files.readAllBytes(f),
                        mode(Files.getPosixFilePermissions(f))));
            }
        }
        if (!have.keySet().equals(payload.keySet())) {
            return false;
        }
        return payload.entrySet().stream().allMatch(e -> have.get(e.getKey()).sameAs(e.getValue()));
    }

    private static void validate(String path) {
        Path p = Path.of(path);
        if (path.isEmpty() || p.isAbsolute() || path.startsWith("..")) {
            throw new IllegalArgumentException("invalid path \"" + path + "\": must be relative and may not start with '..'");
        }
        for (Path part : p) {
            if (part.toString().equals("..")) {
                throw new IllegalArgumentException("invalid path \"" + path + "\": must not contain '..'");
            }
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder s = new StringBuilder();
        String rwx = "rwx";
        for (int bit = 8; bit >= 0; bit--) {
            s.append((mode & (1 << bit)) != 0 ? rwx.charAt(2 - bit % 3) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }

    static int mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return m;
    }

}
