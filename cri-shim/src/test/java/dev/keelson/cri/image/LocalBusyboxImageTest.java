package dev.keelson.cri.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout {@link LocalBusyboxImage} writes, read back as files and JSON. */
class LocalBusyboxImageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsBusybox() {
        Assumptions.assumeTrue(LocalBusyboxImage.available(), "no " + LocalBusyboxImage.BUSYBOX);
    }

    @Test
    void rootfsLinksEveryAppletToTheCopiedBinary() throws Exception {
        Path rootfs = LocalBusyboxImage.writeRootfs(dir.resolve("rootfs"));
        assertArrayEquals(Files.readAllBytes(LocalBusyboxImage.BUSYBOX), Files.readAllBytes(rootfs.resolve("bin/busybox")));
        for (String applet : new String[] {"sh", "echo", "sleep", "nslookup", "nc"}) {
            assertEquals(Path.of("busybox"), Files.readSymbolicLink(rootfs.resolve("bin").resolve(applet)), applet);
        }
        assertTrue(Files.readString(rootfs.resolve("etc/passwd")).startsWith("root:x:0:0:"));
        assertTrue(Files.isDirectory(rootfs.resolve("tmp")));
    }

    @Test
    void layoutIsReproducibleAndNamesTheReference() throws Exception {
        Path first = LocalBusyboxImage.writeLayout(Files.createDirectories(dir.resolve("a")), "keelson.test/bb:1");
        Path second = LocalBusyboxImage.writeLayout(Files.createDirectories(dir.resolve("b")), "keelson.test/bb:1");
        byte[] index = Files.readAllBytes(first.resolve("index.json"));
        assertArrayEquals(index, Files.readAllBytes(second.resolve("index.json")), "same busybox, same digests");

        JsonNode entry = JSON.readTree(index).path("manifests").path(0);
        assertEquals("keelson.test/bb:1", entry.path("annotations").path("org.opencontainers.image.ref.name").asText());
        Digest manifestDigest = Digest.parse(entry.path("digest").asText());
        byte[] manifestBytes = Files.readAllBytes(first.resolve("blobs/sha256").resolve(manifestDigest.hex()));
        assertEquals(manifestDigest, Digest.of(manifestBytes));
        JsonNode manifest = JSON.readTree(manifestBytes);
        JsonNode layer = manifest.path("layers").path(0);
        assertEquals(MediaTypes.OCI_LAYER_TAR, layer.path("mediaType").asText());
        byte[] tar = Files.readAllBytes(first.resolve("blobs/sha256").resolve(Digest.parse(layer.path("digest").asText()).hex()));
        assertEquals(layer.path("size").asLong(), tar.length);
        JsonNode config = JSON.readTree(first.resolve("blobs/sha256")
                .resolve(Digest.parse(manifest.path("config").path("digest").asText()).hex()).toFile());
        assertEquals("PATH=/bin", config.path("config").path("Env").path(0).asText());
        assertEquals(Digest.of(tar).toString(), config.path("rootfs").path("diff_ids").path(0).asText(),
                "an uncompressed layer's diff id is its digest");
    }
}
