package dev.keelson.cri.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.cri.image.unpack.LayerUnpacker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-layer image made from the host's static busybox (Debian's {@code busybox-static}), so a
 * node without registry access has something to run:
 * <pre>
 *  bin/busybox            copy of the host's /bin/busybox
 *  bin/&lt;applet&gt; -&gt; busybox one link per applet of {@code busybox --list} (sh always), as the package links them
 *  etc/passwd, etc/group  root and nobody/nogroup
 *  tmp/                   empty
 *  config                 Cmd [/bin/sh], Env [PATH=/bin], linux/amd64
 * </pre>
 * The layer is an uncompressed tar written by GNU tar with fixed order, owners and times, so the
 * same busybox always gives the same digests. The image is written as an OCI image layout and
 * imported through {@link ImageService#importLayout}.
 */
public final class LocalBusyboxImage {
    /** The host binary the image is made from. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalBusyboxImage() {
    }

    /** Whether the host has the busybox binary this image is made from. */
    public static boolean available() {
        return Files.isExecutable(BUSYBOX);
    }

    /**
     * Builds the layout in a scratch directory under {@code work}, imports it into {@code images} as
     * {@code reference}, and removes the scratch.
     */
    public static void importInto(ImageService images, String reference, Path work) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Files.createDirectories(work), "busybox-image");
        try {
            images.importLayout(writeLayout(dir, reference), reference);
        } finally {
            dev.keelson.linux.FileTrees.delete(dir);
        }
    }

    /** Writes the image's root file system (see the class comment) into {@code rootfs}; returns it. */
    public static Path writeRootfs(Path rootfs) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String applet : applets()) {
            if (!applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        return rootfs;
    }

    /**
     * Writes the image as an OCI image layout under {@code dir} (scratch files beside it), its index
     * entry annotated with {@code reference}; returns the layout directory.
     */
    public static Path writeLayout(Path dir, String reference) throws IOException, InterruptedException {
        Path rootfs = writeRootfs(dir.resolve("rootfs"));
        Path tar = dir.resolve("layer.tar");
        run(List.of("tar", "--numeric-owner", "--owner=0", "--group=0", "--sort=name", "--mtime=@1600000000",
                "-C", rootfs.toString(), "-cf", tar.toString(), "."), "tar of the busybox image");
        Path layout = Files.createDirectories(dir.resolve("layout"));
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        byte[] layer = Files.readAllBytes(tar);
        Digest layerDigest = put(blobs, layer);
        ObjectNode cfg = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        ObjectNode exec = cfg.putObject("config");
        exec.putArray("Cmd").add("/bin/sh");
        exec.putArray("Env").add("PATH=/bin");
        cfg.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(layerDigest.toString());
        byte[] cfgBytes = JSON.writeValueAsBytes(cfg);
        ObjectNode m = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
        descriptor(m.putObject("config"), MediaTypes.OCI_CONFIG, put(blobs, cfgBytes), cfgBytes.length);
        descriptor(m.putArray("layers").addObject(), MediaTypes.OCI_LAYER_TAR, layerDigest, layer.length);
        byte[] manifest = JSON.writeValueAsBytes(m);
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        descriptor(index.putArray("manifests").addObject(), MediaTypes.OCI_MANIFEST, put(blobs, manifest), manifest.length)
                .putObject("annotations").put("org.opencontainers.image.ref.name", reference);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
        return layout;
    }

    /** The applets the host's busybox has ({@code busybox --list}), with {@code sh} whatever the build says. */
    private static List<String> applets() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>(run(List.of(BUSYBOX.toString(), "--list"), "busybox --list").lines()
                .map(String::strip).filter(n -> n.matches("[a-z0-9_.\\[-]+")).toList());
        if (!names.contains("sh")) {
            names.add("sh");
        }
        return names;
    }

    private static String run(List<String> command, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(what + " failed: " + out.strip());
        }
        return out;
    }

    private static ObjectNode descriptor(ObjectNode d, String mediaType, Digest digest, long size) {
        return d.put("mediaType", mediaType).put("digest", digest.toString()).put("size", size);
    }

    private static Digest put(Path blobs, byte[] content) throws IOException {
        Digest d = Digest.of(content);
        Files.write(blobs.resolve(d.hex()), content);
        return d;
    }
}
