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
        try (InputStream in = Files.newInputStream(blob); Unpacked u = unpack(in, compression, true, what)) {
            checkDiffId(u.diffId(), diffId, what);
            u.commit(chainId);
        } catch (IOException e) {
            throw new ImageException("cannot unpack " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Unpacks the layer read from {@code compressed} (left open) into a new temporary snapshot,
     * reading the tar to its very end, and hashing it on a helper thread ({@link DigestPipe}) when
     * {@code hashTar}. The snapshot becomes visible only through {@link Unpacked#commit}; closing it
     * uncommitted, or any failure here, deletes it.
     *
     * @param hashTar whether to compute the DiffID (an uncompressed layer's is its blob digest)
     */
    public Unpacked unpack(InputStream compressed, Compression compression, boolean hashTar, String what)
            throws IOException {
        InputStream shielded = new java.io.FilterInputStream(compressed) {
            @Override
            public void close() {
                // the caller's: it may still read the rest (and hash it) after a failure here
            }
        };
        Unpacked u = new Unpacked(Files.createTempDirectory(dir, "tmp-"));
        try (DigestPipe diff = hashTar ? new DigestPipe(null) : null;
             InputStream plain = decompress(new BufferedInputStream(shielded, 64 * 1024), compression)) {
            Path fs = Files.createDirectory(u.tmp.resolve("fs"));
            InputStream tar = new BufferedInputStream(diff == null ? plain : diff.tee(plain), 64 * 1024);
            LayerUnpacker.unpack(tar, fs);
            tar.transferTo(java.io.OutputStream.nullOutputStream()); // the rest (end blocks, padding) counts in the DiffID
            u.diffId = diff == null ? null : diff.finish();
            return u;
        } catch (IOException | RuntimeException e) {
            u.close();
            throw e;
        }
    }

    /** @throws ImageException.DigestMismatch when the tar hashed to {@code got} and the config says {@code diffId} */
    public static void checkDiffId(Digest got, Digest diffId, String what) {
        if (!got.equals(diffId)) {
            throw new ImageException.DigestMismatch(what + ": uncompressed layer has digest " + got
                    + ", the image config's diff_id is " + diffId);
        }
    }

    /** A layer unpacked into a temporary directory, not yet a snapshot; see {@link #unpack(InputStream, Compression, boolean, String)}. */
    public final class Unpacked implements AutoCloseable {
        private Path tmp;
        private Digest diffId;

        private Unpacked(Path tmp) {
            this.tmp = tmp;
        }

        /** The digest of the uncompressed tar, or null when it was not hashed. */
        public Digest diffId() {
            return diffId;
        }

        /** Renames it into place as snapshot {@code chainId}; when that snapshot exists already, this one is dropped. */
        public void commit(Digest chainId) throws IOException {
            if (!contains(chainId)) {
                Files.move(tmp, dir.resolve(chainId.hex()), StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            }
            close();
        }

        /** Deletes the temporary directory unless committed. */
        @Override
        public void close() {
            if (tmp != null) {
                try {
                    dev.keelson.linux.FileTrees.delete(tmp);
                } catch (IOException ignored) {
                    // left for the next open to clean (tmp- prefix)
                }
                tmp = null;
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
