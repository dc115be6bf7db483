package dev.keelson.cri.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cri.image.store.ImageRecord;
import dev.keelson.cri.image.unpack.LayerUnpacker;
import dev.keelson.cri.image.unpack.TarEntry;
import dev.keelson.cri.image.unpack.TarReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Imports an OCI image layout (image-spec {@code image-layout.md}: {@code oci-layout},
 * {@code index.json}, {@code blobs/sha256/...}) — a directory or a tar of one, as
 * {@code ctr images export} and {@code skopeo copy oci-archive:} write — for nodes without a
 * registry. Each entry of {@code index.json} becomes an image named by its
 * {@code io.containerd.image.name} annotation, or by {@code org.opencontainers.image.ref.name} as
 * the tag of {@code defaultName} (or as a full reference when it has a slash or colon). Every blob
 * is verified as it is copied into the content store.
 */
final class OciLayoutImporter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ImageService service;

    OciLayoutImporter(ImageService service) {
        this.service = service;
    }

    List<ImageRecord> importPath(Path p, String defaultName) throws IOException {
        if (Files.isDirectory(p)) {
            return importDir(p, defaultName);
        }
        Path tmp = Files.createTempDirectory("keelson-oci-import-");
        try {
            extract(p, tmp);
            return importDir(tmp, defaultName);
        } finally {
            dev.keelson.linux.FileTrees.delete(tmp);
        }
    }

    private List<ImageRecord> importDir(Path dir, String defaultName) throws IOException {
        if (!Files.isRegularFile(dir.resolve("oci-layout"))) {
            throw new ImageException.NotFound(dir + " is not an OCI image layout (no oci-layout file)");
        }
        JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
        Path blobs = dir.resolve("blobs").resolve(Digest.SHA256);
        ImageService.Source source = new ImageService.Source() {
            @Override
            public byte[] manifest(Digest d) throws IOException {
                return verified(blobs, d);
            }

            @Override
            public void blob(Digest d, long size, String what) throws IOException {
                try (InputStream in = open(d, what)) {
                    service.content().write(d, in, size, dir + " " + what);
                }
            }

            @Override
            public InputStream open(Digest d, String what) throws IOException {
                try {
                    return Files.newInputStream(blobs.resolve(d.hex()));
                } catch (NoSuchFileException e) {
                    throw new ImageException.NotFound(dir + ": " + what + " blob " + d + " is missing");
                }
            }
        };
        List<ImageRecord> out = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            Digest d = Digest.parse(m.path("digest").asText());
            ImageReference ref = name(m.path("annotations"), defaultName, d);
            byte[] bytes = verified(blobs, d);
            String type = m.path("mediaType").asText(JSON.readTree(bytes).path("mediaType").asText(""));
            if (!MediaTypes.isIndex(type) && !MediaTypes.isManifest(type)) {
                throw new ImageException.UnsupportedMediaType(dir + ": index entry " + d + " has media type \"" + type + "\"");
            }
            out.add(service.assemble(ref, bytes, type, d, source));
        }
        return out;
    }

    private static ImageReference name(JsonNode annotations, String defaultName, Digest d) {
        String full = annotations.path("io.containerd.image.name").asText("");
        if (!full.isEmpty()) {
            return ImageReference.parse(full);
        }
        String refName = annotations.path("org.opencontainers.image.ref.name").asText("");
        if (refName.contains("/") || refName.contains(":") && !refName.startsWith(":")) {
            return ImageReference.parse(refName);
        }
        if (defaultName == null) {
            throw new ImageException("index entry " + d + " has no image name annotation and no default name was given");
        }
        return ImageReference.parse(refName.isEmpty() ? defaultName + "@" + d : defaultName + ":" + refName);
    }

    private static byte[] verified(Path blobs, Digest d) throws IOException {
        byte[] b;
        try {
            b = Files.readAllBytes(blobs.resolve(d.hex()));
        } catch (NoSuchFileException e) {
            throw new ImageException.NotFound("blob " + d + " is missing from the layout");
        }
        Digest got = Digest.of(b);
        if (!got.equals(d)) {
            throw new ImageException.DigestMismatch("layout blob " + d + " has digest " + got);
        }
        return b;
    }

    /** Extracts the regular files and directories of an archive (a layout has nothing else). */
    private static void extract(Path tar, Path into) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 64 * 1024)) {
            TarReader r = new TarReader(in);
            TarEntry e;
            while ((e = r.next()) != null) {
                if (e.name().isEmpty()) {
                    continue;
                }
                if (e.name().startsWith("..") || e.name().contains("/../") || e.name().endsWith("/..")) {
                    throw new IOException("archive member \"" + e.name() + "\" leaves the archive");
                }
                Path p = into.resolve(e.name());
                if (e.type() == TarEntry.Type.DIR) {
                    Files.createDirectories(p);
                } else if (e.type() == TarEntry.Type.FILE) {
                    Files.createDirectories(p.getParent());
                    try (InputStream c = r.content()) {
                        Files.copy(c, p);
                    }
                }
            }
        }
    }
}
