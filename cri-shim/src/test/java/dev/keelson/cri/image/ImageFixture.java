package dev.keelson.cri.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import dev.keelson.linux.FileCalls;
import dev.keelson.testing.Command;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/**
 * Builds a two-layer test image from the host's static busybox, with GNU tar (PAX format, xattrs):
 * <pre>
 *  layer 0 (gzip):  bin/busybox, bin/sh and bin/echo symlinks, etc/passwd, data/gone.txt, data/kept.txt,
 *                   opq/lower.txt
 *  layer 1 (zstd or tar): data/.wh.gone.txt, opq/.wh..wh..opq, opq/new.txt, hard/a + hard/b (hard link),
 *                   dev/null2 (char 1:3), fifo, xattr user.keelson=yes on data/x.txt
 * </pre>
 * etc/group has {@code staff} (50) and {@code users} (100, listing {@code user}).
 * config {@code User: 1000:1000}, {@code Cmd: [/bin/sh]} unless the caller sets the config's
 * {@code config} object; manifest (OCI); index with linux/amd64 and linux/arm64 entries.
 */
public final class ImageFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    final Map<Digest, byte[]> blobs = new LinkedHashMap<>();
    final List<Digest> diffIds = new ArrayList<>();
    final byte[] manifest;
    final byte[] armManifest;
    final byte[] index;
    public final Digest config;

    public ImageFixture(Path work, MediaTypes.Compression secondLayer) throws Exception {
        this(work, secondLayer, c -> c.put("User", "1000:1000").putArray("Cmd").add("/bin/sh"));
    }

    /** The image with {@code execution} filling the config's {@code config} object (Entrypoint, Cmd, Env, ...). */
    public ImageFixture(Path work, MediaTypes.Compression secondLayer, Consumer<ObjectNode> execution) throws Exception {
        Path l0 = Files.createDirectories(work.resolve("l0"));
        Files.createDirectories(l0.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), l0.resolve("bin/busybox"));
        Files.createSymbolicLink(l0.resolve("bin/sh"), Path.of("busybox"));
        Files.createSymbolicLink(l0.resolve("bin/echo"), Path.of("/bin/busybox"));
        Files.createDirectories(l0.resolve("etc"));
        Files.writeString(l0.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/:/bin/sh\n");
        Files.writeString(l0.resolve("etc/group"), "root:x:0:\nstaff:x:50:\nusers:x:100:user\n");
        Files.createDirectories(l0.resolve("data"));
        Files.writeString(l0.resolve("data/gone.txt"), "lower");
        Files.writeString(l0.resolve("data/kept.txt"), "kept");
        Files.createDirectories(l0.resolve("opq"));
        Files.writeString(l0.resolve("opq/lower.txt"), "hidden by opaque");
        byte[] tar0 = tar(l0);

        Path l1 = Files.createDirectories(work.resolve("l1"));
        Files.createDirectories(l1.resolve("data"));
        Files.writeString(l1.resolve("data/.wh.gone.txt"), "");
        Files.writeString(l1.resolve("data/x.txt"), "x");
        FileCalls.lsetxattr(l1.resolve("data/x.txt").toString(), "user.keelson", "yes".getBytes());
        Files.createDirectories(l1.resolve("opq"));
        Files.writeString(l1.resolve("opq/.wh..wh..opq"), "");
        Files.writeString(l1.resolve("opq/new.txt"), "new");
        Files.createDirectories(l1.resolve("hard"));
        Files.writeString(l1.resolve("hard/a"), "shared inode");
        Files.createLink(l1.resolve("hard/b"), l1.resolve("hard/a"));
        Files.createDirectories(l1.resolve("dev"));
        FileCalls.mknod(l1.resolve("dev/null2").toString(), FileCalls.S_IFCHR | 0666, 1, 3);
        FileCalls.mknod(l1.resolve("fifo").toString(), FileCalls.S_IFIFO | 0600, 0, 0);
        String deep = "d".repeat(60) + "/" + "e".repeat(60);
        Files.createDirectories(l1.resolve(deep));
        Files.writeString(l1.resolve(deep).resolve("f".repeat(80)), "long name");
        byte[] tar1 = tar(l1);

        diffIds.add(Digest.of(tar0));
        diffIds.add(Digest.of(tar1));
        Digest layer0 = put(gzip(tar0));
        byte[] c1 = switch (secondLayer) {
            case NONE -> tar1;
            case GZIP -> gzip(tar1);
            case ZSTD -> Zstd.compress(tar1, 3);
        };
        Digest layer1 = put(c1);
        String l1Type = switch (secondLayer) {
            case NONE -> MediaTypes.OCI_LAYER_TAR;
            case GZIP -> MediaTypes.OCI_LAYER_GZIP;
            case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
        };

        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("architecture", "amd64").put("os", "linux");
        ObjectNode c = cfg.putObject("config");
        execution.accept(c);
        c.putObject("Labels").put("compression", secondLayer.name()); // a distinct image id per variant
        ObjectNode rootfs = cfg.putObject("rootfs").put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(d -> ids.add(d.toString()));
        byte[] cfgBytes = JSON.writeValueAsBytes(cfg);
        config = put(cfgBytes);

        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
        desc(m.putObject("config"), MediaTypes.OCI_CONFIG, config, cfgBytes.length);
        ArrayNode layers = m.putArray("layers");
        desc(layers.addObject(), MediaTypes.OCI_LAYER_GZIP, layer0, blobs.get(layer0).length);
        desc(layers.addObject(), l1Type, layer1, c1.length);
        manifest = JSON.writeValueAsBytes(m);

        // another platform: same layers, a config saying arm64 (never pulled on amd64)
        ObjectNode armCfg = cfg.deepCopy().put("architecture", "arm64");
        byte[] armCfgBytes = JSON.writeValueAsBytes(armCfg);
        Digest armConfig = put(armCfgBytes);
        ObjectNode am = m.deepCopy();
        desc((ObjectNode) am.get("config"), MediaTypes.OCI_CONFIG, armConfig, armCfgBytes.length);
        armManifest = JSON.writeValueAsBytes(am);

        ObjectNode idx = JSON.createObjectNode();
        idx.put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode ms = idx.putArray("manifests");
        desc(ms.addObject(), MediaTypes.OCI_MANIFEST, Digest.of(armManifest), armManifest.length)
                .putObject("platform").put("os", "linux").put("architecture", "arm64");
        desc(ms.addObject(), MediaTypes.OCI_MANIFEST, Digest.of(manifest), manifest.length)
                .putObject("platform").put("os", "linux").put("architecture", "amd64");
        index = JSON.writeValueAsBytes(idx);
    }

    /** Pushes blobs, both manifests by digest and the index under {@code tag}; returns the index digest. */
    public Digest push(LocalRegistry r, String repo, String tag, String auth) throws Exception {
        for (byte[] b : blobs.values()) {
            r.pushBlob(repo, b, auth);
        }
        r.pushManifest(repo, Digest.of(armManifest).toString(), MediaTypes.OCI_MANIFEST, armManifest, auth);
        r.pushManifest(repo, Digest.of(manifest).toString(), MediaTypes.OCI_MANIFEST, manifest, auth);
        r.pushManifest(repo, tag, MediaTypes.OCI_INDEX, index, auth);
        return Digest.of(index);
    }

    /** Writes an OCI image layout of this image to {@code dir}, the index entry annotated {@code name}. */
    void writeLayout(Path dir, String refName) throws Exception {
        Path b = Files.createDirectories(dir.resolve("blobs/sha256"));
        for (var e : blobs.entrySet()) {
            Files.write(b.resolve(e.getKey().hex()), e.getValue());
        }
        for (byte[] x : List.of(manifest, armManifest, index)) {
            Files.write(b.resolve(Digest.of(x).hex()), x);
        }
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        ObjectNode top = JSON.createObjectNode().put("schemaVersion", 2);
        desc(top.putArray("manifests").addObject(), MediaTypes.OCI_INDEX, Digest.of(index), index.length)
                .putObject("annotations").put("org.opencontainers.image.ref.name", refName);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(top));
    }

    private Digest put(byte[] b) {
        Digest d = Digest.of(b);
        blobs.put(d, b);
        return d;
    }

    private static ObjectNode desc(ObjectNode n, String type, Digest d, long size) {
        return n.put("mediaType", type).put("digest", d.toString()).put("size", size);
    }

    static byte[] tar(Path dir) throws Exception {
        Path out = Files.createTempFile(dir.getParent(), "layer", ".tar");
        Command.ok("tar", "--format=posix", "--xattrs", "--xattrs-include=*", "--numeric-owner", "--sort=name",
                "--mtime=@1600000000", "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
                "-C", dir.toString(), "-cf", out.toString(), ".");
        return Files.readAllBytes(out);
    }

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(b);
        }
        return bo.toByteArray();
    }
}
