package dev.keelson.cli.proxy;

import dev.keelson.proxy.model.EndpointSlice;
import dev.keelson.proxy.model.Manifests;
import dev.keelson.proxy.model.ModelException;
import dev.keelson.proxy.model.Service;
import dev.keelson.proxy.model.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The manifest text behind one apply: each file's name and content, kept verbatim so the state
 * file can be re-parsed by {@code show} and {@code trace} exactly as it was applied.
 *
 * @param files the files in the order given (a directory contributes its {@code .yaml}, {@code .yml}
 *              and {@code .json} files, sorted by name; {@code -} is standard input)
 */
public record ManifestSources(List<Source> files) {

    /** One file of manifests. */
    public record Source(String name, String text) {
    }

    public ManifestSources {
        files = List.copyOf(files);
    }

    /**
     * Reads {@code args} (files, directories, or {@code -} for {@code stdin}).
     *
     * @throws SourceException when a path is missing or unreadable, or a directory holds no manifest
     */
    public static ManifestSources read(List<String> args, InputStream stdin) {
        List<Source> out = new ArrayList<>();
        for (String a : args) {
            if (a.equals("-")) {
                out.add(new Source("(stdin)", readAll(stdin)));
                continue;
            }
            Path p = Path.of(a);
            if (Files.isDirectory(p)) {
                List<Path> files = manifestFiles(p);
                if (files.isEmpty()) {
                    throw new SourceException("directory " + p + " holds no .yaml, .yml or .json file");
                }
                files.forEach(f -> out.add(new Source(f.toString(), readFile(f))));
            } else {
                out.add(new Source(p.toString(), readFile(p)));
            }
        }
        return new ManifestSources(out);
    }

    /** The manifest files directly in {@code dir}, sorted by name (hidden files and editor backups skipped). */
    public static List<Path> manifestFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> {
                String n = f.getFileName().toString();
                return !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"))
                        && Files.isRegularFile(f);
            }).sorted().toList();
        } catch (IOException e) {
            throw new SourceException("cannot list directory " + dir + ": " + reason(e));
        }
    }

    /**
     * Parses every file into one snapshot; a Service or slice given twice keeps its last version.
     *
     * @throws ModelException naming the file, the object and the field
     */
    public Snapshot parse() {
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        for (Source s : files) {
            Snapshot one;
            try {
                one = Manifests.parse(s.text());
            } catch (ModelException e) {
                throw new ModelException(s.name() + ": " + e.object(), e.field(), problem(e));
            }
            services.addAll(one.services().values());
            one.slices().values().forEach(slices::addAll);
        }
        return Snapshot.of(services, slices);
    }

    private static String problem(ModelException e) {
        String prefix = e.object() + ": " + e.field() + ": ";
        String m = e.getMessage();
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    private static String readFile(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SourceException("cannot read " + p + ": " + reason(e));
        }
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input", e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage();
    }

    /** A manifest path that cannot be read. */
    public static final class SourceException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SourceException(String message) {
            super(message);
        }
    }
}
