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
        try (InputStream in = Files.newInputStream(blob)) {
            unpack(chainId, diffId, in, compression, () -> { }, what);
        } catch (IOException e) {
            throw new ImageException("cannot unpack " + what + ": " + e.getMessage(), e);
        }
    }

    /** What runs once a layer's stream has been read to its end, before its snapshot is renamed into place. */
    @FunctionalInterface
    public interface Check {
        /** Throws to discard the snapshot. */
        void run() throws IOException;
    }

    /**
     * Unpacks the layer read from {@code compressed} (left open) as snapshot {@code chainId} into
     * a temporary directory; once the tar stream is read to its end, checks that it hashed to
     * {@code diffId} (hashed on a helper thread, see {@link DigestPipe}), runs {@code beforeCommit},
     * and only then renames the snapshot into place. Any failure, {@code beforeCommit}'s included,
     * deletes the temporary directory: no partial snapshot is ever visible under its chainID.
     *
     * @param diffId the expected digest of the uncompressed tar, or null when {@code beforeCommit}
     *        verifies the bytes itself (an uncompressed layer, whose blob digest is its DiffID)
     * @throws ImageException.DigestMismatch when the tar does not hash to {@code diffId}
     */
    public void unpack(Digest chainId, Digest diffId, InputStream compressed, Compression compression,
            Check beforeCommit, String what) {
        Path tmp = null;
        InputStream shielded = new java.io.FilterInputStream(compressed) {
            @Override
            public void close() {
                // the caller's: it may still read the rest (and hash it) after a failure here
            }
        };
        try (DigestPipe diff = diffId == null ? null : new DigestPipe(null);
             InputStream plain = decompress(new BufferedInputStream(shielded, 64 * 1024), compression)) {
            tmp = Files.createTempDirectory(dir, "tmp-");
            Path fs = Files.createDirectory(tmp.resolve("fs"));
            InputStream tar = new BufferedInputStream(diff == null ? plain : diff.tee(plain), 64 * 1024);
            LayerUnpacker.unpack(tar, fs);
            tar.transferTo(java.io.OutputStream.nullOutputStream()); // the rest (end blocks, padding) counts in the DiffID
            if (diff != null) {
                Digest got = diff.finish();
                if (!got.equals(diffId)) {
                    throw new ImageException.DigestMismatch(what + ": uncompressed layer has digest " + got
                            + ", the image config's diff_id is " + diffId);
                }
            }
            beforeCommit.run();
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
