package dev.keelson.cri.image;

import dev.keelson.cri.image.MediaTypes.Compression;
import dev.keelson.cri.image.store.ContentStore;
import dev.keelson.cri.image.unpack.DigestPipe;
import dev.keelson.cri.image.unpack.Snapshots;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One layer fetched, stored and unpacked in a single pass over its bytes, as they arrive:
 * <pre>
 *   body ──tee──▶ helper thread: SHA-256 of the blob, bytes to the content store's ingest file
 *     └──▶ decompress ──▶ [helper thread: SHA-256 of the tar = DiffID] ──▶ tar ──▶ snapshot tmp dir
 *   at the end: rest of the body read, blob digest and size checked, blob committed,
 *               DiffID checked, then the snapshot renamed into place
 * </pre>
 * instead of download, verify, read back and unpack. Nothing is committed before every digest has
 * been checked: a mismatch leaves neither the blob nor the snapshot, only a typed
 * {@link ImageException.DigestMismatch}. An uncompressed layer is hashed once, its blob digest
 * being its DiffID.
 */
final class LayerPull {
    private LayerPull() {
    }

    /**
     * Reads {@code body} (closed here), the blob {@code blob} of {@code size} bytes (negative:
     * unknown), into {@code content} and, unpacked, into {@code snapshots} as {@code chainId}.
     */
    static void run(InputStream body, Digest blob, long size, Digest diffId, Digest chainId, Compression compression,
            ContentStore content, Snapshots snapshots, String what) throws IOException {
        boolean plainTar = compression == Compression.NONE;
        if (plainTar && !blob.equals(diffId)) {
            body.close();
            throw new ImageException.DigestMismatch(what + ": an uncompressed layer's digest is its diff_id, but the "
                    + "manifest says " + blob + " and the config " + diffId);
        }
        try (InputStream in = body;
             ContentStore.Ingest ingest = content.ingest(blob, size, what);
             DigestPipe blobDigest = new DigestPipe(ingest.out())) {
            InputStream teed = blobDigest.tee(in);
            try {
                snapshots.unpack(chainId, plainTar ? null : diffId, teed, compression, () -> {
                    teed.transferTo(OutputStream.nullOutputStream()); // bytes after the compressed stream's end count too
                    ingest.commit(blobDigest.finish(), blobDigest.count());
                }, what);
            } catch (ImageException e) {
                throw e instanceof ImageException.DigestMismatch ? e : blameContent(e, teed, blobDigest, blob, what);
            }
        }
    }

    /**
     * {@code failure} of the unpack, unless the blob itself is not what the manifest says: then a
     * {@link ImageException.DigestMismatch} (a corrupt gzip stream fails to inflate before its
     * digest can be checked). Reads the rest of the body to find out.
     */
    private static ImageException blameContent(ImageException failure, InputStream teed, DigestPipe blobDigest,
            Digest blob, String what) {
        Digest got;
        try {
            teed.transferTo(OutputStream.nullOutputStream());
            got = blobDigest.finish();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
            return failure;
        }
        if (got.equals(blob)) {
            return failure;
        }
        ImageException m = new ImageException.DigestMismatch(what + ": content has digest " + got + ", expected " + blob
                + " (" + blobDigest.count() + " bytes)");
        m.addSuppressed(failure);
        return m;
    }
}
