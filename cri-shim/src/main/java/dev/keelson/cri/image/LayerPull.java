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
 *   at the end: rest of the body read; the layer's DiffID and chainID asked for (the image config
 *   may still have been on its way); blob digest and size checked, blob committed; DiffID
 *   checked; snapshot renamed into place
 * </pre>
 * instead of download, verify, read back and unpack. A blob that is not what the manifest says is
 * never stored and its snapshot never appears: the caller gets a typed
 * {@link ImageException.DigestMismatch}. An uncompressed layer is hashed once, its blob digest
 * being its DiffID.
 */
final class LayerPull {
    /** Where a layer goes: its DiffID (from the image config) and its snapshot's chainID. */
    record Target(Digest diffId, Digest chainId) {
    }

    /** The layer's {@link Target}, asked for once its bytes have all been read. */
    @FunctionalInterface
    interface TargetSource {
        Target get() throws IOException;
    }

    private LayerPull() {
    }

    /**
     * Reads {@code body} (closed here), blob {@code blob} of {@code size} bytes (negative: unknown),
     * into {@code content} and, unpacked, into {@code snapshots} at {@code target}'s chainID.
     */
    static void run(InputStream body, Digest blob, long size, Compression compression, TargetSource target,
            ContentStore content, Snapshots snapshots, String what) throws IOException {
        boolean plainTar = compression == Compression.NONE;
        try (InputStream in = body;
             ContentStore.Ingest ingest = content.ingest(blob, size, what);
             DigestPipe blobDigest = new DigestPipe(ingest.out())) {
            InputStream teed = blobDigest.tee(in);
            Snapshots.Unpacked unpacked;
            try {
                unpacked = snapshots.unpack(teed, compression, !plainTar, what);
            } catch (IOException | ImageException e) {
                throw blameContent(e, teed, blobDigest, blob, what);
            }
            try (unpacked) {
                teed.transferTo(OutputStream.nullOutputStream()); // bytes after the compressed stream's end count too
                Digest got = blobDigest.finish();
                Target t = target.get();
                ingest.commit(got, blobDigest.count());
                Snapshots.checkDiffId(plainTar ? got : unpacked.diffId(), t.diffId(), what);
                unpacked.commit(t.chainId());
            }
        }
    }

    /**
     * {@code failure} of the unpack as an {@link ImageException}, unless the blob itself is not what
     * the manifest says: then a {@link ImageException.DigestMismatch} (a corrupt gzip stream fails
     * to inflate before its digest can be checked). Reads the rest of the body to find out.
     */
    private static ImageException blameContent(Exception failure, InputStream teed, DigestPipe blobDigest,
            Digest blob, String what) {
        ImageException f = failure instanceof ImageException ie ? ie
                : new ImageException("cannot unpack " + what + ": " + failure.getMessage(), failure);
        if (f instanceof ImageException.DigestMismatch) {
            return f;
        }
        Digest got;
        try {
            teed.transferTo(OutputStream.nullOutputStream());
            got = blobDigest.finish();
        } catch (IOException | RuntimeException e) {
            f.addSuppressed(e);
            return f;
        }
        if (got.equals(blob)) {
            return f;
        }
        ImageException m = new ImageException.DigestMismatch(what + ": content has digest " + got + ", expected " + blob
                + " (" + blobDigest.count() + " bytes)");
        m.addSuppressed(f);
        return m;
    }
}
