package dev.keelson.cri.image.unpack;

import dev.keelson.cri.image.Digest;
import dev.keelson.cri.image.MediaTypes.Compression;
import com.github.luben.zstd.ZstdInputStream;
import dev.keelson.cri.image.ImageException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Unpacked layers under {@code root/snapshots/<chainID hex>/fs}, one directory per layer holding
 * only that layer's changes, so an image's rootfs is an overlay of its chain and a layer shared
 * by images (same chainID: same content on the same parents) is unpacked once.
 *
 * <p>ChainIDs follow the OCI image spec ({@code config.md}): {@code ChainID(L0) = DiffID(L0)},
 * {@code ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln))}. A layer is unpacked into a
 * temporary directory, its DiffID (sha256 of the uncompressed tar) checked, and renamed into place.
 */
public final class Snapshots {
    private final Path dir;

    /** Snapshots under {@code root} (created if missing; leftovers of interrupted unpacks removed). */
    public Snapshots(Path root) {
        this.dir = root.resolve("snapshots");
        try {
            Files.createDirectories(dir);
            try (var s = Files.list(dir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (p.getFileName().toString().startsWith("tmp-")) {
                        dev.keelson.linux.FileTrees.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open snapshot directory " + dir, e);
        }
    }

    /** The chainIDs for {@code diffIds}, bottom layer first. */
    public static List<Digest> chainIds(List<Digest> diffIds) {
        List<Digest> out = new ArrayList<>();
        Digest prev = null;
        for (Digest d : diffIds) {
            prev = prev == null ? d : Digest.of((prev + " " + d).getBytes(StandardCharsets.US_ASCII));
            out.add(prev);
        }
        return out;
    }

    /** The directory overlayfs uses for snapshot {@code chainId}. */
    public Path path(Digest chainId) {
        return dir.resolve(chainId.hex()).resolve("fs");
    }

    /** Whether snapshot {@code chainId} has been unpacked. */
    public boolean contains(Digest chainId) {
        return Files.isDirectory(path(chainId));
    }

    /**
     * Unpacks the layer blob {@code blob} (compressed as {@code compression}) as snapshot
     * {@code chainId}, verifying that its uncompressed content hashes to {@code diffId}. Does
     * nothing when the snapshot exists.
     */
    public void unpack(Digest chainId, Digest diffId, Path blob, Compression compression, String what) {
        if (contains(chainId)) {
            return;
        }
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(dir, "tmp-");
            Path fs = Files.createDirectory(tmp.resolve("fs"));
            MessageDigest md = Digest.sha256();
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(blob), 64 * 1024);
                 InputStream plain = decompress(raw, compression);
                 DigestInputStream tar = new DigestInputStream(plain, md)) {
                LayerUnpacker.unpack(tar, fs);
                tar.transferTo(java.io.OutputStream.nullOutputStream()); // the rest (end blocks, padding) counts in the DiffID
            }
            Digest got = Digest.ofRaw(md.digest());
            if (!got.equals(diffId)) {
                throw new ImageException.DigestMismatch(what + ": uncompressed layer has digest " + got
                        + ", the image config's diff_id is " + diffId);
            }
            Files.move(tmp, dir.resolve(chainId.hex()), StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw new ImageException("cannot unpack " + what + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    dev.keelson.linux.FileTrees.delete(tmp);
                } catch (IOException ignored) {
                    // left for the next open to clean (tmp- prefix)
                }
            }
        }
    }

    /**
     * overlayfs {@code lowerdir} value for a rootfs of {@code chainIds} (bottom first): the
     * directories top first, colon separated, as mount(2) for overlay wants them.
     */
    public String lowerDirs(List<Digest> chainIds) {
        List<String> dirs = new ArrayList<>();
        for (int i = chainIds.size() - 1; i >= 0; i--) {
            dirs.add(path(chainIds.get(i)).toString());
        }
        return String.join(":", dirs);
    }

    /** Deletes snapshot {@code chainId} (the caller knows nothing mounts it). */
    public void delete(Digest chainId) {
        try {
            dev.keelson.linux.FileTrees.delete(dir.resolve(chainId.hex()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete snapshot " + chainId, e);
        }
    }

    private static InputStream decompress(InputStream in, Compression c) throws IOException {
        return switch (c) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, 64 * 1024);
            case ZSTD -> new ZstdInputStream(in);
        };
    }
}
