package dev.keelson.cli.up;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.cri.image.ImageService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A one-layer image made from the host's static busybox (Debian's {@code busybox-static}:
 * {@code /bin/busybox} with a link in /bin for each of its applets, {@code /etc/passwd}, an empty {@code /tmp}),
 * written as an OCI image layout and imported into the runtime, so a cluster without internet
 * access has something to run. Pods use it as {@value #REFERENCE} with {@code imagePullPolicy:
 * Never} or {@code IfNotPresent}.
 */
public final class DemoImage {
    /** The image's name in the runtime. */
    public static final String REFERENCE = "keelson.local/busybox:1.0";
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoImage() {
    }

    /** Whether the host has the busybox binary this image is made from. */
    public static boolean available() {
        return Files.isExecutable(BUSYBOX);
    }

    /** Builds the layout in a scratch directory under {@code work}, imports it, and removes the scratch. */
    public static void importInto(ImageService images, Path work) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Files.createDirectories(work), "demo-image");
        try {
            images.importLayout(write(dir), REFERENCE);
        } finally {
            NodeTeardown.deleteTree(dir);
        }
    }

    private static Path write(Path dir) throws IOException, InterruptedException {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs/bin"));
        Files.copy(BUSYBOX, rootfs.resolve("busybox"));
        for (String applet : applets()) {
            if (!applet.equals("busybox")) {
                Files.createSymbolicLink(rootfs.resolve(applet), Path.of("busybox"));
            }
        }
        Files.createDirectories(dir.resolve("rootfs/etc"));
        Files.createDirectories(dir.resolve("rootfs/tmp"));
        Files.writeString(dir.resolve("rootfs/etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
        Files.writeString(dir.resolve("rootfs/etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        Path tar = dir.resolve("layer.tar");
        // GNU tar with fixed order, owners and times: the same busybox always gives the same digest
        Process p = new ProcessBuilder("tar", "--numeric-owner", "--owner=0", "--group=0", "--sort=name", "--mtime=@1600000000",
                "-C", dir.resolve("rootfs").toString(), "-cf", tar.toString(), ".").redirectErrorStream(true).start();
        String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("tar of the demo image failed: " + msg.strip());
        }
        Path layout = Files.createDirectories(dir.resolve("layout"));
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        byte[] layer = Files.readAllBytes(tar);
        String layerDigest = put(blobs, layer);
        ObjectNode cfg = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        ObjectNode c = cfg.putObject("config");
        c.putArray("Cmd").add("/bin/sh");
        c.putArray("Env").add("PATH=/bin");
        cfg.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(layerDigest);
        byte[] cfgBytes = JSON.writeValueAsBytes(cfg);
        String cfgDigest = put(blobs, cfgBytes);
        ObjectNode m = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        m.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json").put("digest", cfgDigest)
                .put("size", cfgBytes.length);
        m.putArray("layers").addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar")
                .put("digest", layerDigest).put("size", layer.length);
        byte[] manifest = JSON.writeValueAsBytes(m);
        String manifestDigest = put(blobs, manifest);
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        index.putArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", manifestDigest).put("size", manifest.length)
                .putObject("annotations").put("org.opencontainers.image.ref.name", REFERENCE);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
        return layout;
    }

    /** The applets the host's busybox has ({@code busybox --list}), each linked in /bin as Debian's package does. */
    private static java.util.List<String> applets() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("busybox --list failed: " + text.strip());
        }
        java.util.List<String> names = text.lines().map(String::strip).filter(n -> n.matches("[a-z0-9_.\\[-]+") && !n.contains("/"))
                .toList();
        return names.contains("sh") ? names : java.util.stream.Stream.concat(names.stream(), java.util.stream.Stream.of("sh")).toList();
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
}
