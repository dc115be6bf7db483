package dev.keelson.cri.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cri.image.registry.RegistryHosts;
import dev.keelson.cri.image.store.ImageRecord;
import dev.keelson.cri.image.unpack.Snapshots;
import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layer is fetched, hashed, stored and unpacked in one pass ({@link LayerPull}); these pulls are
 * served blobs that the registry's storage corrupted after upload, so the digests only fail once
 * the layer has been (partly or wholly) unpacked. Nothing of such a layer may stay behind. Digests
 * go through keelson-sha256, as in {@code keelson cri} (RegistryPullTest covers the JDK's digest).
 */
@KernelTest
class SinglePassPullTest {
    @TempDir
    static Path tmp;
    static LocalRegistry registry;
    static ImageFixture image;

    @TempDir
    Path root;

    @BeforeAll
    static void startRegistryAndPush() throws Exception {
        Digest.hashWith(Path.of("../native/target/bin/keelson-sha256").toAbsolutePath().normalize());
        registry = new LocalRegistry(Files.createDirectories(tmp.resolve("registry")), "");
        image = new ImageFixture(Files.createDirectories(tmp.resolve("img")), MediaTypes.Compression.NONE);
        image.push(registry, "good/img", "1", null);
        image.push(registry, "bad/img", "1", null);
    }

    @AfterAll
    static void stopRegistry() {
        Digest.hashWith(null);
        if (registry != null) {
            registry.close();
        }
    }

    private ImageService service() {
        return new ImageService(root, new RegistryHosts(Map.of(), Set.of(registry.authority()), Map.of(), null),
                Platform.LINUX_AMD64);
    }

    private String ref(String repoAndTag) {
        return registry.authority() + "/" + repoAndTag;
    }

    /** The layers in manifest order: gzip, then uncompressed tar. */
    private static List<Digest> layers() {
        return image.blobs.keySet().stream().limit(2).toList();
    }

    /**
     * Overwrites blob {@code d} in the registry's storage (distribution's filesystem driver layout)
     * with {@code bytes}; the registry serves it as it is, unverified. Both repositories share it.
     */
    private static void corrupt(Digest d, byte[] bytes) throws Exception {
        Path data = tmp.resolve("registry/data/docker/registry/v2/blobs/sha256").resolve(d.hex().substring(0, 2))
                .resolve(d.hex()).resolve("data");
        assertTrue(Files.isRegularFile(data), data.toString());
        Files.write(data, bytes);
    }

    private static void restore(Digest d) throws Exception {
        corrupt(d, image.blobs.get(d));
    }

    private static List<Path> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void pulledLayersAreStoredAndUnpackedFromOneRead() throws Exception {
        ImageService s = service();
        ImageRecord r = s.pull(ref("good/img:1"));
        for (Digest l : layers()) {
            assertTrue(s.content().contains(l), l.toString());
            assertEquals(image.blobs.get(l).length, Files.size(s.content().path(l)));
        }
        Path top = s.snapshots().path(Digest.parse(r.chainIds().get(1)));
        assertEquals("shared inode", Files.readString(top.resolve("hard/a")));
        assertEquals(List.of(), entries(root.resolve("ingest")), "nothing left being written");
    }

    @Test
    void corruptGzipLayerIsADigestMismatchAndLeavesNoBlobNoSnapshot() throws Exception {
        Digest gz = layers().get(0);
        byte[] bad = image.blobs.get(gz).clone();
        for (int i = bad.length / 2; i < bad.length / 2 + 64; i++) {
            bad[i] ^= 0x5a; // inflating fails part-way: the blob's digest is what gets reported
        }
        corrupt(gz, bad);
        try {
            ImageService s = service();
            ImageException.DigestMismatch e = assertThrows(ImageException.DigestMismatch.class, () -> s.pull(ref("bad/img:1")));
            assertTrue(e.getMessage().contains(gz.toString()), e.getMessage());
            assertNothingLeft(s, gz);
        } finally {
            restore(gz);
        }
    }

    @Test
    void uncompressedLayerWithAValidTarButWrongBytesIsUnpackedThenDiscarded() throws Exception {
        Digest plain = layers().get(1);
        byte[] bad = image.blobs.get(plain).clone();
        String text = new String(bad, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("shared inode");
        assertTrue(at > 0);
        bad[at] = 'S'; // file content only: the tar still reads to its end, only the digest differs
        corrupt(plain, bad);
        try {
            ImageService s = service();
            ImageException.DigestMismatch e = assertThrows(ImageException.DigestMismatch.class, () -> s.pull(ref("bad/img:1")));
            assertTrue(e.getMessage().contains(plain.toString()), e.getMessage());
            List<Digest> chain = Snapshots.chainIds(image.diffIds);
            assertTrue(s.snapshots().contains(chain.get(0)), "the good layer below stays, as containerd keeps it");
            assertTrue(s.content().contains(layers().get(0)));
            assertNothingLeft(s, plain);
            assertFalse(s.snapshots().contains(chain.get(1)));
        } finally {
            restore(plain);
        }
        ImageRecord r = service().pull(ref("bad/img:1"));
        assertEquals(image.config.toString(), r.id(), "a later pull of the repaired blob works");
    }

    @Test
    void configThatCannotBeFetchedWhileTheLayerStreamsLeavesNoLayerBehind() throws Exception {
        Path data = tmp.resolve("registry/data/docker/registry/v2/blobs/sha256").resolve(image.config.hex().substring(0, 2))
                .resolve(image.config.hex()).resolve("data");
        Path aside = data.resolveSibling("aside");
        Files.move(data, aside);
        try {
            ImageService s = service();
            ImageException e = assertThrows(ImageException.class, () -> s.pull(ref("bad/img:1")));
            assertTrue(e.getMessage().contains(image.config.toString()), e.getMessage());
            assertNothingLeft(s, layers().get(0));
            assertEquals(List.of(), entries(root.resolve("snapshots")), "no snapshot without its config");
        } finally {
            Files.move(aside, data);
        }
    }

    /** No blob {@code d}, no snapshot being made, no ingest file, no image record. */
    private void assertNothingLeft(ImageService s, Digest d) throws Exception {
        assertFalse(s.content().contains(d), "blob " + d + " must not be stored");
        assertEquals(List.of(), entries(root.resolve("ingest")), "no partial blob");
        for (Path p : entries(root.resolve("snapshots"))) {
            assertFalse(p.getFileName().toString().startsWith("tmp-"), "no half-unpacked snapshot: " + p);
        }
        assertEquals(List.of(), s.list());
    }
}
