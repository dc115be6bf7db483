package dev.keelson.cni.invoke;

import dev.keelson.cni.spec.CniException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A directory of network configs, read as libcni reads one: {@code *.conflist} files are lists,
 * {@code *.conf} and {@code *.json} single configs wrapped into a one-plugin list; files are taken
 * in lexical order of their names. A file that cannot be parsed is an error naming the file (never
 * silently skipped, so a typo does not quietly select another network).
 */
public final class ConfDir {
    /** Where runtimes look by default. */
    public static final Path DEFAULT = Path.of("/etc/cni/net.d");
    private static final Set<String> LIST_EXT = Set.of(".conflist");
    private static final Set<String> SINGLE_EXT = Set.of(".conf", ".json");

    private final Path dir;

    public ConfDir(Path dir) {
        this.dir = dir;
    }

    /** {@link #DEFAULT}. */
    public static ConfDir defaultDir() {
        return new ConfDir(DEFAULT);
    }

    public Path dir() {
        return dir;
    }

    /** All config files ({@code .conflist}, {@code .conf}, {@code .json}) in lexical order; none when the dir is missing. */
    public List<Path> files() {
        return files(Set.of(".conflist", ".conf", ".json"));
    }

    /**
     * The network called {@code name}: the first {@code .conflist} with that name, else the first
     * single config with that name, wrapped (libcni's {@code LoadConfList} order). Not found is
     * code 7 with libcni's message.
     */
    public NetworkList loadConfList(String name) {
        List<Path> lists = files(LIST_EXT);
        for (Path f : lists) {
            NetworkList l = read(f);
            if (l.name().equals(name)) {
                return l;
            }
        }
        List<Path> singles = files(SINGLE_EXT);
        if (lists.isEmpty() && singles.isEmpty()) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "no net configurations found in " + dir);
        }
        for (Path f : singles) {
            NetworkList l = read(f);
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new CniException(CniException.INVALID_NETWORK_CONFIG,
                "no net configuration with name \"" + name + "\" in " + dir);
    }

    /** The network of the lexically first config file of any kind (what CRI runtimes use as the default network). */
    public NetworkList firstConfList() {
        List<Path> all = files();
        if (all.isEmpty()) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "no net configurations found in " + dir);
        }
        return read(all.get(0));
    }

    /** Every config in the dir, in lexical order; the first malformed file fails the whole read. */
    public List<NetworkList> loadAll() {
        return files().stream().map(ConfDir::read).toList();
    }

    /** Reads one file: a list by its extension {@code .conflist}, otherwise a single config wrapped. */
    public static NetworkList read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CniException(CniException.IO_FAILURE, "error reading " + file + ": " + e.getMessage(), "", e);
        }
        try {
            NetworkList l = file.getFileName().toString().endsWith(".conflist")
                    ? NetworkList.parse(bytes) : NetworkList.wrap(bytes);
            return l.from(file);
        } catch (CniException e) {
            // The parse error says what is wrong, the prefix which file it is in.
            throw new CniException(e.code(), file + ": " + e.msg(), e.details(), e);
        }
    }

    private List<Path> files(Set<String> extensions) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> extensions.contains(extension(p.getFileName().toString())))
                    .filter(p -> !Files.isDirectory(p))
                    .forEach(out::add);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CniException(CniException.IO_FAILURE, "error reading conf dir " + dir + ": " + e.getMessage(), "", e);
        }
        out.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return out;
    }

    /** Go's {@code filepath.Ext}: from the last dot of the name, or empty. */
    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }
}
