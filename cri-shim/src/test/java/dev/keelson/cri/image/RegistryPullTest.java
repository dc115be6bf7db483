package dev.keelson.cri.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cri.image.registry.RegistryHosts;
import dev.keelson.cri.image.store.ImageRecord;
import dev.keelson.cri.image.unpack.LayerUnpacker;
import dev.keelson.linux.FileCalls;
import dev.keelson.linux.Libc;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a real distribution registry on loopback and mounts the result with overlayfs. */
@KernelTest
class RegistryPullTest {
    @TempDir
    static Path tmp;
    static LocalRegistry registry;
    static ImageFixture image;
    static ImageFixture zstdImage;
    static Digest indexDigest;

    @TempDir
    Path root;

    @BeforeAll
    static void startRegistryAndPush() throws Exception {
        registry = new LocalRegistry(Files.createDirectories(tmp.resolve("registry")), "");
        image = new ImageFixture(Files.createDirectories(tmp.resolve("img")), MediaTypes.Compression.GZIP);
        indexDigest = image.push(registry, "keelson/busybox", "1.0", null);
        image.push(registry, "test/img", "1", null);
        zstdImage = new ImageFixture(Files.createDirectories(tmp.resolve("zimg")), MediaTypes.Compression.ZSTD);
        zstdImage.push(registry, "keelson/zbusybox", "1.0", null);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private ImageService service(Map<String, List<URI>> mirrors) {
        return new ImageService(root, new RegistryHosts(mirrors, Set.of(registry.authority()), Map.of(), null),
                Platform.LINUX_AMD64);
    }

    private String ref(String repoAndTag) {
        return registry.authority() + "/" + repoAndTag;
    }

    @Test
    void pullByTagResolvesIndexToAmd64AndRecordsNamesUserAndBlobs() {
        ImageService s = service(Map.of());
        ImageRecord r = s.pull(ref("keelson/busybox:1.0"));
        assertEquals(image.config.toString(), r.id());
        assertEquals(Digest.of(image.manifest).toString(), r.manifestDigest());
        assertEquals(List.of(ref("keelson/busybox:1.0")), r.repoTags());
        assertEquals(List.of(ref("keelson/busybox") + "@" + indexDigest), r.repoDigests());
        assertEquals("1000:1000", r.user());
        assertEquals(Snapshots_chain(), r.chainIds());
        for (String b : r.blobs()) {
            assertTrue(s.content().contains(Digest.parse(b)), b);
        }
        assertFalse(s.content().contains(Digest.of(image.armManifest)), "the arm64 manifest is not fetched");
        assertEquals(s.find(ref("keelson/busybox:1.0")).orElseThrow(), r);
    }

    private static List<String> Snapshots_chain() {
        return dev.keelson.cri.image.unpack.Snapshots.chainIds(image.diffIds).stream().map(Digest::toString).toList();
    }

    @Test
    void pullByDigestGivesTheSameImageWithoutATag() {
        ImageService s = service(Map.of());
        ImageRecord r = s.pull(ref("keelson/busybox@" + indexDigest));
        assertEquals(image.config.toString(), r.id());
        assertEquals(List.of(), r.repoTags());
        ImageRecord m = s.pull(ref("keelson/busybox@" + Digest.of(image.manifest)));
        assertEquals(r.id(), m.id());
        assertEquals(2, m.repoDigests().size(), m.repoDigests().toString());
    }

    @Test
    void mergedOverlayViewHasWhiteoutsOpaqueDirHardLinksDevicesAndRunsBusybox() throws Exception {
        ImageService s = service(Map.of());
        ImageRecord r = s.pull(ref("keelson/busybox:1.0"));
        List<Digest> chain = r.chainIds().stream().map(Digest::parse).toList();
        Path top = s.snapshots().path(chain.get(1));
        assertEquals(0L, (long) Files.getAttribute(top.resolve("data/gone.txt"), "unix:rdev", LinkOption.NOFOLLOW_LINKS));
        assertArrayEquals(new byte[] {'y'}, FileCalls.lgetxattr(top.resolve("opq").toString(), LayerUnpacker.OPAQUE_XATTR));
        assertArrayEquals("yes".getBytes(), FileCalls.lgetxattr(top.resolve("data/x.txt").toString(), "user.keelson"));
        Path merged = Files.createDirectories(tmp.resolve("merged-" + System.nanoTime()));
        Libc.mount("overlay", merged.toString(), "overlay", 0, "lowerdir=" + s.snapshots().lowerDirs(chain));
        try {
            assertFalse(Files.exists(merged.resolve("data/gone.txt"), LinkOption.NOFOLLOW_LINKS), "whiteout hides it");
            assertEquals("kept", Files.readString(merged.resolve("data/kept.txt")));
            assertFalse(Files.exists(merged.resolve("opq/lower.txt")), "opaque dir hides lower entries");
            assertEquals("new", Files.readString(merged.resolve("opq/new.txt")));
            assertEquals(Files.getAttribute(merged.resolve("hard/a"), "unix:ino"), Files.getAttribute(merged.resolve("hard/b"), "unix:ino"));
            assertEquals(2, (int) Files.getAttribute(merged.resolve("hard/a"), "unix:nlink"));
            assertEquals(FileCallsMakedev.of(1, 3), (long) Files.getAttribute(merged.resolve("dev/null2"), "unix:rdev"));
            assertEquals(0010000, (int) Files.getAttribute(merged.resolve("fifo"), "unix:mode") & 0170000);
            assertEquals("busybox", Files.readSymbolicLink(merged.resolve("bin/sh")).toString());
            assertEquals("long name", Files.readString(merged.resolve("d".repeat(60) + "/" + "e".repeat(60) + "/" + "f".repeat(80))));
            assertEquals(Files.size(Path.of("/bin/busybox")), Files.size(merged.resolve("bin/busybox")));
            assertEquals("ok\n", Command.ok("chroot", merged.toString(), "/bin/busybox", "echo", "ok"));
            assertEquals("ok\n", Command.ok("chroot", merged.toString(), "/bin/sh", "-c", "echo ok"));
        } finally {
            Libc.umount2(merged.toString(), 0);
        }
    }

    @Test
    void zstdLayerUnpacksAndSharesTheGzipLayersSnapshot() throws Exception {
        ImageService s = service(Map.of());
        ImageRecord g = s.pull(ref("keelson/busybox:1.0"));
        ImageRecord z = s.pull(ref("keelson/zbusybox:1.0"));
        assertEquals(g.chainIds().get(0), z.chainIds().get(0), "same first layer, same snapshot");
        Path top = s.snapshots().path(Digest.parse(z.chainIds().get(1)));
        assertEquals("new", Files.readString(top.resolve("opq/new.txt")));
        // removing one image keeps what the other uses
        assertTrue(s.remove(ref("keelson/zbusybox:1.0")));
        assertTrue(s.find(ref("keelson/zbusybox:1.0")).isEmpty());
        Digest sharedLayer = Digest.parse(g.blobs().get(g.blobs().size() - 2));
        assertTrue(s.content().contains(sharedLayer));
        assertTrue(s.snapshots().contains(Digest.parse(g.chainIds().get(0))));
        for (String b : z.blobs()) {
            assertEquals(g.blobs().contains(b), s.content().contains(Digest.parse(b)), b);
        }
        assertFalse(s.remove(ref("keelson/zbusybox:1.0")), "second remove finds nothing");
        assertTrue(s.remove(g.id()));
        assertEquals(Set.of(), s.content().list());
        assertFalse(s.snapshots().contains(Digest.parse(g.chainIds().get(0))));
    }

    @Test
    void mirrorServesRegistryK8sIoName() {
        ImageService s = service(Map.of("registry.k8s.io", List.of(URI.create("http://127.0.0.1:1"), registry.base)));
        ImageRecord r = s.pull("registry.k8s.io/test/img:1");
        assertEquals(List.of("registry.k8s.io/test/img:1"), r.repoTags());
        assertEquals(image.config.toString(), r.id());
    }

    @Test
    void missingTagIsNotFoundNamingTheReference() {
        ImageService s = service(Map.of());
        ImageException.NotFound e = assertThrows(ImageException.NotFound.class, () -> s.pull(ref("keelson/busybox:nope")));
        assertTrue(e.getMessage().contains("keelson/busybox:nope"), e.getMessage());
    }

    @Test
    void importedLayoutEqualsThePulledImage() throws Exception {
        Path layout = Files.createDirectories(tmp.resolve("layout-" + System.nanoTime()));
        image.writeLayout(layout, "2.0");
        ImageService s = service(Map.of());
        List<ImageRecord> got = s.importLayout(layout, "example.com/air/gapped");
        assertEquals(1, got.size());
        assertEquals(image.config.toString(), got.get(0).id());
        assertEquals(List.of("example.com/air/gapped:2.0"), got.get(0).repoTags());
        Path tar = tmp.resolve("layout-" + System.nanoTime() + ".tar");
        Command.ok("tar", "-C", layout.toString(), "-cf", tar.toString(), ".");
        ImageService s2 = new ImageService(Files.createDirectories(root.resolve("second")), RegistryHosts.defaults(), Platform.LINUX_AMD64);
        assertEquals(image.config.toString(), s2.importLayout(tar, "example.com/air/gapped").get(0).id());
        Files.write(layout.resolve("blobs/sha256").resolve(image.config.hex()), "tampered".getBytes());
        ImageService s3 = new ImageService(Files.createDirectories(root.resolve("third")), RegistryHosts.defaults(), Platform.LINUX_AMD64);
        assertThrows(ImageException.DigestMismatch.class, () -> s3.importLayout(layout, "example.com/air/gapped"));
    }

    /** glibc makedev, mirrored to keep the test independent of FileCalls' package-private helper. */
    private static final class FileCallsMakedev {
        static long of(int major, int minor) {
            return ((major & 0xfffL) << 8) | (minor & 0xffL) | ((minor & 0xffffff00L) << 12);
        }
    }
}
