package dev.keelson.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A one-layer OCI image layout made from the host's static busybox ({@code /bin/busybox}, a
 * {@code /bin/sh} link, {@code /etc/passwd}), for the runtime to import without a registry.
 */
final class BusyboxImage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BusyboxImage() {}

    /** Writes the layout to {@code dir}, its index entry named {@code reference}. */
    static Path write(Path dir, String reference) throws Exception {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
        Files.createSymbolicLink(rootfs.resolve("sh"), Path.of("busybox"));
        for (String applet : new String[] {"echo", "cat", "sleep", "date", "ls", "httpd", "wget"}) {
            Files.createSymbolicLink(rootfs.resolve(applet), Path.of("busybox")); // `kubectl exec pod -- echo` needs a PATH entry
        }
        Files.createDirectories(dir.resolve("rootfs/etc"));
        Files.writeString(dir.resolve("rootfs/etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Path tar = dir.resolve("layer.tar");
        Command.ok("tar", "--numeric-owner", "--sort=name", "--mtime=@1600000000", "-C", dir.resolve("rootfs").toString(),
                "-cf", tar.toString(), ".");
        Path layout = Files.createDirectories(dir.resolve("layout"));
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        byte[] layer = Files.readAllBytes(tar);
        String layerDigest = put(blobs, layer);
        ObjectNode cfg = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        cfg.putObject("config").putArray("Cmd").add("/bin/sh");
        cfg.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(layerDigest);
        byte[] cfgBytes = JSON.writeValueAsBytes(cfg);
        String cfgDigest = put(blobs, cfgBytes);
        ObjectNode m = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        m.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json").put("digest", cfgDigest).put("size", cfgBytes.length);
        m.putArray("layers").addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar")
                .put("digest", layerDigest).put("size", layer.length);
        byte[] manifest = JSON.writeValueAsBytes(m);
        String manifestDigest = put(blobs, manifest);
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        index.putArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", manifestDigest).put("size", manifest.length)
                .putObject("annotations").put("org.opencontainers.image.ref.name", reference);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
        return layout;
    }

    private static String put(Path blobs, byte[] content) throws Exception {
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        Files.write(blobs.resolve(hex), content);
        return "sha256:" + hex;
    }
}
