package dev.keelson.bench.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.cri.image.LocalBusyboxImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The two images the containerd contender needs without a registry, as OCI image archives (tar of
 * an OCI image layout) for {@code ctr images import}: the busybox image Keelson's runtime imports
 * too ({@link LocalBusyboxImage}), and a sandbox ("pause") image whose only file is Keelson's static
 * {@code keelson-pause} program. Each index entry carries the full reference in both annotations
 * containerd reads ({@code io.containerd.image.name} and {@code org.opencontainers.image.ref.name}).
 */
public final class ImageArchives {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar";

    private ImageArchives() {
    }

    /** Writes the busybox image as {@code reference} to {@code dir/busybox.tar}; returns the archive. */
    public static Path busybox(Path dir, String reference) throws IOException, InterruptedException {
        Path layout = LocalBusyboxImage.writeLayout(Files.createDirectories(dir.resolve("busybox")), reference);
        // LocalBusyboxImage names the image in ref.name only; containerd prefers its own annotation
        ObjectNode index = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
        ((ObjectNode) index.get("manifests").get(0).get("annotations")).put("io.containerd.image.name", reference);
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
        return tar(layout, dir.resolve("busybox.tar"));
    }

    /** Writes a sandbox image of {@code pauseProgram} (as {@code /pause}, its entrypoint) named {@code reference}. */
    public static Path pause(Path dir, Path pauseProgram, String reference) throws IOException, InterruptedException {
        Path rootfs = Files.createDirectories(dir.resolve("pause/rootfs"));
        Files.copy(pauseProgram, rootfs.resolve("pause"));
        Path layerTar = dir.resolve("pause/layer.tar");
        run(List.of("tar", "--numeric-owner", "--owner=0", "--group=0", "--sort=name", "--mtime=@1600000000",
                "-C", rootfs.toString(), "-cf", layerTar.toString(), "."), "tar of the pause layer");
        Path layout = Files.createDirectories(dir.resolve("pause/layout"));
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        byte[] layer = Files.readAllBytes(layerTar);
        String layerDigest = put(blobs, layer);
        ObjectNode cfg = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        cfg.putObject("config").putArray("Entrypoint").add("/pause");
        cfg.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(layerDigest);
        byte[] cfgBytes = JSON.writeValueAsBytes(cfg);
        ObjectNode m = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MANIFEST);
        descriptor(m.putObject("config"), CONFIG, put(blobs, cfgBytes), cfgBytes.length);
        descriptor(m.putArray("layers").addObject(), LAYER, layerDigest, layer.length);
        byte[] manifest = JSON.writeValueAsBytes(m);
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        descriptor(index.putArray("manifests").addObject(), MANIFEST, put(blobs, manifest), manifest.length)
                .putObject("annotations").put("io.containerd.image.name", reference)
                .put("org.opencontainers.image.ref.name", reference);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
        return tar(layout, dir.resolve("pause.tar"));
    }

    private static Path tar(Path layout, Path archive) throws IOException, InterruptedException {
        run(List.of("tar", "-C", layout.toString(), "-cf", archive.toString(), "."), "tar of the image layout " + layout);
        return archive;
    }

    private static ObjectNode descriptor(ObjectNode d, String mediaType, String digest, long size) {
        return d.put("mediaType", mediaType).put("digest", digest).put("size", size);
    }

    private static String put(Path blobs, byte[] content) throws IOException {
        try {
            String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            Files.write(blobs.resolve(hex), content);
            return "sha256:" + hex;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    public static String run(List<String> command, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(what + " failed (" + String.join(" ", command) + "): " + out.strip());
        }
        return out;
    }
}
